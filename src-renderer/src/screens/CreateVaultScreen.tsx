import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import CircularProgress from '@mui/material/CircularProgress';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState, type FormEvent } from 'react';
import type { OpInput } from '../../../src-main/api/contract.ts';
import type { ApiFailure } from '../api.ts';
import { ApiErrorAlert } from '../components/ApiErrorAlert.tsx';
import { CenteredCard } from '../components/CenteredCard.tsx';
import { MonoText } from '../components/MonoText.tsx';
import { PassphraseField } from '../components/PassphraseField.tsx';
import { holdersOf, QuorumFields, type QuorumDraft } from '../components/QuorumFields.tsx';
import { useAppStore } from '../store/index.ts';
import { refusalApart, refusalAt } from '../components/field-refusal.ts';

function toInput(actor: string, passphrase: string, withQuorum: boolean, q: QuorumDraft): OpInput<'vault.create'> {
  return {
    actor,
    passphrase: passphrase === '' ? undefined : passphrase,
    quorum: withQuorum ? { threshold: Number(q.threshold), total: Number(q.total), ...holdersOf(q) } : undefined,
  };
}

/** First run: no vault in the vault folder yet. */
export function CreateVaultScreen({ vaultDir }: { vaultDir: string }) {
  const createVault = useAppStore((s) => s.createVault);
  const [actor, setActor] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [withQuorum, setWithQuorum] = useState(false);
  const [quorum, setQuorum] = useState<QuorumDraft>({ threshold: '2', total: '3', holders: [] });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);

  // Typing the passphrase twice guards against a typo locking the officer out; it is the form's check, not a policy.
  const [submitted, setSubmitted] = useState(false);
  const mismatch = (confirm !== '' || submitted) && confirm !== passphrase;
  // A refusal of the passphrase itself (too short) stands under that field until it is edited.
  const passphraseRefusal = refusalAt(error, 'newPassphrase');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    // Said under the confirmation field (mismatch), where the officer retypes it.
    if (passphrase !== confirm) return;
    setBusy(true);
    const failure = await createVault(toInput(actor, passphrase, withQuorum, quorum));
    setBusy(false);
    setError(failure);
  };

  return (
    <CenteredCard
      title="Create the vault"
      subtitle={
        <>
          The encrypted vault will be created in <MonoText>{vaultDir}</MonoText>. It holds the CA&apos;s signing keys and its audit log.
        </>
      }
    >
      <Box component="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Create the vault">
        <Stack spacing={2.5}>
          <TextField label="Officer name" value={actor} onChange={(e) => setActor(e.target.value)} autoComplete="name" helperText="Recorded in the audit log as the actor." autoFocus required fullWidth />
          <PassphraseField
            label="Passphrase"
            value={passphrase}
            onChange={setPassphrase}
            autoComplete="new-password"
            refusal={passphraseRefusal}
            onRefusalStale={() => setError(null)}
            policyHint
            required={!withQuorum}
          />
          <PassphraseField
            label="Confirm passphrase"
            value={confirm}
            onChange={setConfirm}
            autoComplete="new-password"
            error={mismatch}
            helperText={mismatch ? (confirm === '' ? 'Type the passphrase again here.' : 'Does not match the passphrase yet.') : withQuorum && passphrase === '' ? 'Optional with a quorum: leave both empty for a vault only the custodians can open.' : ' '}
            required={!withQuorum}
          />
          <FormControlLabel
            control={<Checkbox checked={withQuorum} onChange={(e) => setWithQuorum(e.target.checked)} />}
            label="Also let a quorum of custodians unlock the vault (K of N share files)"
          />
          {withQuorum ? <QuorumFields value={quorum} onChange={setQuorum} /> : null}
          {refusalApart(error, ['newPassphrase']) ? <ApiErrorAlert error={error!} title="The vault was not created" /> : null}
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
            <Button type="submit" variant="contained" size="large" disabled={busy}>
              Create vault
            </Button>
            {busy ? <CircularProgress size={24} aria-label="Creating the vault" /> : null}
          </Box>
        </Stack>
      </Box>
    </CenteredCard>
  );
}
