import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { useApiAction } from '../../components/api-action.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { PassphraseField } from '../../components/PassphraseField.tsx';
import { SettingsForm } from '../../components/SettingsForm.tsx';
import { useAppStore } from '../../store/index.ts';
import { refusalApart, refusalAt } from '../../components/field-refusal.ts';

/** Changes the passphrase of the slot this session was unlocked with; the api applies the policy. */
export function ChangePassphraseForm() {
  const loadVaultInfo = useAppStore((s) => s.loadVaultInfo);
  const { run, busy, error, setError } = useApiAction();
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const mismatch = confirm !== '' && confirm !== next;
  const passphraseRefusal = refusalAt(error, 'newPassphrase');

  const submit = async () => {
    if (next !== confirm) return;
    setDone(false);
    const r = await run('vault.changePassphrase', { newPassphrase: next });
    if (!r.ok) return;
    setDone(true);
    setNext('');
    setConfirm('');
    await loadVaultInfo();
  };

  return (
    <SettingsForm
      onSubmit={() => void submit()}
      submitLabel="Change passphrase"
      submitDisabled={busy || next === '' || next !== confirm}
      status={done ? 'Passphrase changed. Use the new one from the next unlock.' : ''}
      statusTestId="passphrase-changed"
    >
      <Typography variant="body2" color="text.secondary">
        Changes the passphrase of the slot you unlocked with. Other slots and custodian shares keep working.
      </Typography>
      <PassphraseField
        label="New passphrase"
        value={next}
        onChange={setNext}
        autoComplete="new-password"
        refusal={passphraseRefusal}
        onRefusalStale={() => setError(null)}
        policyHint
      />
      <PassphraseField
        label="Confirm new passphrase"
        value={confirm}
        onChange={setConfirm}
        autoComplete="new-password"
        error={mismatch}
        helperText={mismatch ? 'Does not match the new passphrase yet.' : ' '}
      />
      {refusalApart(error, ['newPassphrase']) ? <ApiErrorAlert error={error!} title="The passphrase was not changed" /> : null}
    </SettingsForm>
  );
}
