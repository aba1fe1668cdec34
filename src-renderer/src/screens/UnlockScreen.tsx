import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState, type FormEvent } from 'react';
import type { SessionStatus } from '../../../src-main/api/contract.ts';
import type { ApiFailure } from '../api.ts';
import { ApiErrorAlert } from '../components/ApiErrorAlert.tsx';
import { CenteredCard } from '../components/CenteredCard.tsx';
import { MonoText } from '../components/MonoText.tsx';
import { PassphraseField } from '../components/PassphraseField.tsx';
import { ShareFilePicker } from '../components/ShareFilePicker.tsx';
import { useAppStore } from '../store/index.ts';
import { refusalAt } from '../components/field-refusal.ts';

type Method = 'passphrase' | 'quorum';

/** The vault exists and is locked: passphrase, or custodian shares one by one. */
export function UnlockScreen({ status }: { status: SessionStatus }) {
  const unlock = useAppStore((s) => s.unlock);
  const shares = useAppStore((s) => s.shares);
  const lastActor = useAppStore((s) => s.lastActor);
  const methods = status.unlockMethods.length > 0 ? status.unlockMethods : (['passphrase'] as Method[]);
  const [method, setMethod] = useState<Method>(methods[0] ?? 'passphrase');
  const [actor, setActor] = useState(lastActor);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  // A wrong passphrase is said under the passphrase field, until it is edited.
  const passphraseRefusal = method === 'passphrase' ? refusalAt(error, 'passphrase') : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const failure = await unlock({ actor, credentials: method === 'passphrase' ? { passphrase } : { shares } });
    setBusy(false);
    setError(failure);
  };

  return (
    <CenteredCard
      title="Unlock the vault"
      subtitle={
        <>
          Vault <MonoText testId="locked-vault-id">{status.vaultId ?? ''}</MonoText> in <MonoText>{status.vaultDir}</MonoText>
        </>
      }
    >
      {status.lockedReason ? (
        <Alert severity="info" sx={{ mb: 3 }} data-testid="locked-reason">
          The vault was {status.lockedReason}.
        </Alert>
      ) : null}
      <Box component="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Unlock the vault">
        <Stack spacing={2.5}>
          <TextField label="Officer name" value={actor} onChange={(e) => setActor(e.target.value)} autoComplete="name" helperText="Recorded in the audit log as the actor." autoFocus={lastActor === ''} required fullWidth />
          {methods.length > 1 ? (
            <FormControl>
              <FormLabel id="unlock-method-label">Unlock with</FormLabel>
              <RadioGroup row aria-labelledby="unlock-method-label" value={method} onChange={(e) => setMethod(e.target.value as Method)}>
                <FormControlLabel value="passphrase" control={<Radio />} label="Passphrase" />
                <FormControlLabel value="quorum" control={<Radio />} label="Custodian shares" />
              </RadioGroup>
            </FormControl>
          ) : null}
          {method === 'passphrase' ? (
            <PassphraseField
              label="Passphrase"
              value={passphrase}
              onChange={setPassphrase}
              autoComplete="current-password"
              autoFocus={lastActor !== ''}
              required
              refusal={passphraseRefusal}
              onRefusalStale={() => setError(null)}
            />
          ) : (
            // A changed selection is a new attempt: the last refusal no longer describes it.
            <ShareFilePicker threshold={status.quorumThreshold} onChange={() => setError(null)} />
          )}
          {error && !passphraseRefusal ? <ApiErrorAlert error={error} title="The vault is still locked" /> : null}
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
            <Button type="submit" variant="contained" size="large" disabled={busy}>
              Unlock
            </Button>
            {busy ? <CircularProgress size={24} aria-label="Unlocking" /> : null}
          </Box>
        </Stack>
      </Box>
    </CenteredCard>
  );
}
