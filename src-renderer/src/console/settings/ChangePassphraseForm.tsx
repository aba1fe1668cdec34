import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { PassphraseField } from '../../components/PassphraseField.tsx';
import { PassphrasePolicyHint } from '../../components/PassphrasePolicyHint.tsx';
import { useAppStore } from '../../store/index.ts';

/** Changes the passphrase of the slot this session was unlocked with; the api applies the policy. */
export function ChangePassphraseForm() {
  const loadVaultInfo = useAppStore((s) => s.loadVaultInfo);
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const mismatch = confirm !== '' && confirm !== next;

  const submit = async () => {
    if (next !== confirm) return;
    setBusy(true);
    setDone(false);
    const r = await call('vault.changePassphrase', { newPassphrase: next });
    setBusy(false);
    if (!r.ok) {
      setError(r);
      return;
    }
    setError(null);
    setDone(true);
    setNext('');
    setConfirm('');
    await loadVaultInfo();
  };

  return (
    <Stack
      spacing={2}
      component="form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Typography variant="body2" color="text.secondary">
        Changes the passphrase of the slot you unlocked with. Other slots and custodian shares keep working.
      </Typography>
      <PassphraseField label="New passphrase" value={next} onChange={setNext} autoComplete="new-password" helperText={<PassphrasePolicyHint length={next.length} />} />
      <PassphraseField
        label="Confirm new passphrase"
        value={confirm}
        onChange={setConfirm}
        autoComplete="new-password"
        error={mismatch}
        helperText={mismatch ? 'Does not match the new passphrase yet.' : ' '}
      />
      {error ? <ApiErrorAlert error={error} title="The passphrase was not changed" /> : null}
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Button type="submit" variant="contained" disabled={busy || next === '' || next !== confirm}>
          Change passphrase
        </Button>
        <Typography role="status" color="success.main" data-testid="passphrase-changed">
          {done ? 'Passphrase changed. Use the new one from the next unlock.' : ''}
        </Typography>
      </Stack>
    </Stack>
  );
}
