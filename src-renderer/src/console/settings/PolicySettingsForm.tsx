import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { Settings } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { useAppStore } from '../../store/index.ts';

type Draft = Record<keyof Settings, string>;

const FIELDS: Array<{ key: keyof Settings; label: string; help: string }> = [
  { key: 'trustedWindowDays', label: 'Trusted window (days)', help: 'How long a replaced active key stays in the trust bundle.' },
  { key: 'crlValidityDays', label: 'CRL validity (days)', help: 'From a CRL’s thisUpdate to its nextUpdate.' },
  { key: 'autoLockMinutes', label: 'Auto-lock (minutes)', help: 'The vault locks itself after this long without activity.' },
];

function toDraft(s: Settings): Draft {
  return { trustedWindowDays: String(s.trustedWindowDays), crlValidityDays: String(s.crlValidityDays), autoLockMinutes: String(s.autoLockMinutes) };
}

/** Trusted window, CRL validity and auto-lock: the api checks the ranges and answers the stored values. */
export function PolicySettingsForm() {
  const settings = useAppStore((s) => s.settings);
  const settingsError = useAppStore((s) => s.settingsError);
  const loadSettings = useAppStore((s) => s.loadSettings);
  const refreshStatus = useAppStore((s) => s.refreshStatus);
  const [edits, setEdits] = useState<Partial<Draft>>({});
  const [error, setError] = useState<ApiFailure | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);

  if (!settings) return settingsError ? <ApiErrorAlert error={settingsError} title="The settings could not be read" /> : null;

  const draft: Draft = { ...toDraft(settings), ...edits };

  const save = async () => {
    setBusy(true);
    setSaved(false);
    const num = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));
    const r = await call('settings.update', { trustedWindowDays: num(draft.trustedWindowDays), crlValidityDays: num(draft.crlValidityDays), autoLockMinutes: num(draft.autoLockMinutes) });
    setBusy(false);
    if (!r.ok) {
      setError(r);
      return;
    }
    setError(null);
    setSaved(true);
    setEdits({});
    await Promise.all([loadSettings(), refreshStatus()]);
  };

  return (
    <Stack
      spacing={2}
      component="form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
        {FIELDS.map((f) => (
          <TextField
            key={f.key}
            label={f.label}
            type="number"
            value={draft[f.key]}
            helperText={f.help}
            onChange={(e) => {
              setSaved(false);
              setEdits({ ...edits, [f.key]: e.target.value });
            }}
            slotProps={{ htmlInput: { inputMode: 'numeric', min: 1 } }}
            fullWidth
          />
        ))}
      </Stack>
      {error ? <ApiErrorAlert error={error} title="The settings were not saved" /> : null}
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Button type="submit" variant="contained" disabled={busy}>
          Save settings
        </Button>
        <Typography role="status" color="success.main" data-testid="settings-saved">
          {saved ? 'Saved.' : ''}
        </Typography>
      </Stack>
    </Stack>
  );
}
