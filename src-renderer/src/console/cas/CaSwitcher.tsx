import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import Box from '@mui/material/Box';
import { useAppStore } from '../../store/index.ts';
import { useState } from 'react';
import { shown } from '../../components/shown.ts';
import { CaSettingsDialog } from './CaSettingsDialog.tsx';

/**
 * Under the vault id, always: which CA the console shows, and the switch to
 * another. Keys, certificates, CRLs and every wizard belong to the CA chosen
 * here. While a wizard is open the CA stays as it is: the wizard works in the
 * CA it was started in.
 */
export function CaSwitcher() {
  const cas = useAppStore((s) => s.cas);
  const caName = useAppStore((s) => s.caName);
  const selectCa = useAppStore((s) => s.selectCa);
  const openWizard = useAppStore((s) => s.openWizard);
  const wizard = useAppStore((s) => s.wizard);
  const [editing, setEditing] = useState<string | null>(null);
  if (!cas || caName === null) return null;
  const current = cas.find((c) => c.name === caName);
  const parent = current?.parentId ? cas.find((c) => c.id === current.parentId) : undefined;
  const locked = wizard !== null;
  return (
    <Box sx={{ mt: 1.5 }} data-testid="ca-switcher">
      <TextField
        select
        fullWidth
        size="small"
        label="Certificate authority"
        value={caName}
        onChange={(e) => selectCa(e.target.value)}
        disabled={locked}
        slotProps={{ htmlInput: { 'data-testid': 'ca-select' } }}
      >
        {cas.map((c) => (
          <MenuItem key={c.id} value={c.name}>
            {shown(c.name)}
          </MenuItem>
        ))}
      </TextField>
      {/* Apart from the field: a disabled field's own helper text is greyed below the contrast a reader needs. */}
      {locked || cas.length > 1 ? (
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
          {locked ? 'Close the wizard to switch CA.' : `${cas.length} CAs in this vault`}
        </Typography>
      ) : null}
      {parent ? (
        <Typography variant="caption" color="text.secondary" component="div" data-testid="ca-parent" sx={{ mt: 0.5, overflowWrap: 'anywhere' }}>
          Issuing CA under {shown(parent.name)}
        </Typography>
      ) : null}
      {current?.purpose ? (
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5, overflowWrap: 'anywhere' }}>
          {shown(current.purpose)}
        </Typography>
      ) : null}
      <Box sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 1 }}>
        <Button size="small" sx={{ mt: 0.5, px: 0.5 }} onClick={() => current && setEditing(current.id)} disabled={locked || !current}
          data-testid="ca-settings-open">
          CA settings…
        </Button>
        <Button size="small" sx={{ mt: 0.5, px: 0.5 }} onClick={() => openWizard('new-ca')} disabled={locked}>
          New CA…
        </Button>
      </Box>
      {editing ? <CaSettingsDialog caId={editing} onClose={() => setEditing(null)} /> : null}
    </Box>
  );
}
