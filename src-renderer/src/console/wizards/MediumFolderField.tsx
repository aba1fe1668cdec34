import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState, type FormEvent } from 'react';
import type { MediumView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { shown } from '../../components/shown.ts';

const OTHER = '__other__';

function sizeText(bytes: number | null): string {
  if (bytes === null) return '';
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB free` : `${(bytes / 1e6).toFixed(0)} MB free`;
}

/** A folder on removable media: one of the volumes media.list finds, or a folder typed by hand. */
export function MediumFolderField({ value, onChange, legend }: { value: string; onChange(folder: string): void; legend: string }) {
  const [media, setMedia] = useState<MediumView[] | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [other, setOther] = useState(false);

  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    void call('media.list', {}).then((r) => {
      if (!live) return;
      if (!r.ok) {
        setError(r);
        return;
      }
      setError(null);
      setMedia(r.value.media);
      setProblems(r.value.problems);
    });
    return () => {
      live = false;
    };
  }, [round]);
  const refresh = () => setRound((n) => n + 1);

  const known = media?.some((m) => m.path === value) ?? false;
  const selected = other || (!known && value !== '') ? OTHER : value;

  return (
    <Stack spacing={1}>
      <FormControl>
        <FormLabel id="medium-legend">{legend}</FormLabel>
        <RadioGroup
          aria-labelledby="medium-legend"
          value={selected}
          onChange={(e) => {
            if (e.target.value === OTHER) {
              setOther(true);
              if (known) onChange('');
            } else {
              setOther(false);
              onChange(e.target.value);
            }
          }}
        >
          {(media ?? []).map((m) => (
            <FormControlLabel key={m.path} value={m.path} control={<Radio />} label={`${shown(m.label)} — ${shown(m.path)}${m.freeBytes !== null ? ` (${sizeText(m.freeBytes)})` : ''}`} />
          ))}
          <FormControlLabel value={OTHER} control={<Radio />} label="Another folder (type its path)" />
        </RadioGroup>
      </FormControl>
      {media && media.length === 0 ? <Typography color="text.secondary">No removable medium found. Insert and mount one, then look again, or type a folder.</Typography> : null}
      {problems.map((p) => (
        <Typography key={p} color="text.secondary" variant="body2">
          {shown(p)}
        </Typography>
      ))}
      {selected === OTHER ? <TextField label="Folder path" value={value} onChange={(e) => onChange(e.target.value)} slotProps={{ htmlInput: { spellCheck: false } }} /> : null}
      <div>
        <Button size="small" onClick={refresh}>
          Look for media again
        </Button>
      </div>
      {error ? <ApiErrorAlert error={error} title="Removable media could not be listed" /> : null}
    </Stack>
  );
}

/**
 * The first step of a wizard that reads a folder on a medium: the medium, a
 * folder below it, and the button that reads it (`action`). A form, so Enter
 * in the folder field reads it as the button does. `readsFrom` says what is
 * read from where once a medium is chosen.
 */
export function MediumFolderForm({
  legend,
  medium,
  onMedium,
  sub,
  onSub,
  readsFrom,
  action,
  busy,
  onRead,
}: {
  legend: string;
  medium: string;
  onMedium(folder: string): void;
  sub: string;
  onSub(folder: string): void;
  readsFrom: string;
  action: string;
  busy: boolean;
  onRead(): void;
}) {
  const blocked = medium.trim() === '' || busy;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!blocked) onRead();
  };
  return (
    <Box component="form" onSubmit={submit} aria-label={action} noValidate>
      <MediumFolderField value={medium} onChange={onMedium} legend={legend} />
      <TextField
        label="Folder on the medium (optional)"
        value={sub}
        onChange={(e) => onSub(e.target.value)}
        helperText={medium ? readsFrom : 'Choose a medium first; empty: its top folder.'}
        sx={{ mt: 2 }}
        fullWidth
        slotProps={{ htmlInput: { spellCheck: false } }}
      />
      <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
        <Button type="submit" variant="outlined" disabled={blocked}>
          {action}
        </Button>
      </Stack>
    </Box>
  );
}
