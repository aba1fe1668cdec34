import DeleteOutlined from '@mui/icons-material/DeleteOutlined';
import UploadFile from '@mui/icons-material/UploadFile';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { useId, useState, type ChangeEvent } from 'react';
import { useAppStore } from '../store/index.ts';
import { FileChooseButton } from './FileChooseButton.tsx';
import { MonoText } from './MonoText.tsx';
import { shown } from './shown.ts';

function neededText(threshold: number | null, chosen: number): string {
  if (threshold === null) return `${chosen} share file${chosen === 1 ? '' : 's'} chosen.`;
  const left = threshold - chosen;
  if (left > 0) return `${left} more share file${left === 1 ? '' : 's'} needed (${chosen} of ${threshold} chosen).`;
  return `${chosen} of ${threshold} share files chosen: enough to unlock.`;
}

/**
 * Custodian share files, chosen one at a time with the system file dialog.
 * Each file is read here and sent as { label: file name, content } to
 * vault.unlock, which checks every share and names a wrong one.
 */
export function ShareFilePicker({ threshold, onChange }: { threshold: number | null; onChange(): void }) {
  const shares = useAppStore((s) => s.shares);
  const addShare = useAppStore((s) => s.addShare);
  const removeShare = useAppStore((s) => s.removeShare);
  const [readError, setReadError] = useState<string | null>(null);
  const inputId = useId();
  const counterId = useId();

  const onPick = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    input.value = ''; // the same file name can be chosen again after a removal
    if (!file) return;
    try {
      addShare({ label: file.name, content: await file.text() });
      setReadError(null);
      onChange();
    } catch {
      setReadError(`${shown(file.name)} could not be read. Check the medium and choose the file again.`);
    }
  };

  return (
    <Box>
      <Typography id={counterId} role="status" aria-live="polite" sx={{ mb: 1, fontWeight: 500 }} data-testid="shares-needed">
        {neededText(threshold, shares.length)}
      </Typography>
      {shares.length > 0 ? (
        <List dense aria-label="Chosen share files" sx={{ mb: 1 }}>
          {shares.map((s, i) => (
            <ListItem
              key={`${s.label}-${i}`}
              secondaryAction={
                <IconButton
                  edge="end"
                  aria-label={`Remove ${shown(s.label)}`}
                  onClick={() => {
                    removeShare(i);
                    onChange();
                  }}
                >
                  <DeleteOutlined />
                </IconButton>
              }
            >
              <ListItemIcon sx={{ minWidth: 32 }}>
                <UploadFile fontSize="small" aria-hidden />
              </ListItemIcon>
              <ListItemText primary={<MonoText>{s.label}</MonoText>} />
            </ListItem>
          ))}
        </List>
      ) : null}
      <FileChooseButton
        inputId={inputId}
        inputLabel="Custodian share file"
        testId="share-file-input"
        accept=".json,application/json"
        describedBy={counterId}
        onChange={(e) => void onPick(e)}
      >
        {shares.length === 0 ? 'Choose a share file…' : 'Choose another share file…'}
      </FileChooseButton>
      {readError ? (
        <Typography color="error" role="alert" sx={{ mt: 1 }}>
          {readError}
        </Typography>
      ) : null}
    </Box>
  );
}
