import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import { KeyBasicsFields } from '../KeyBasicsFields.tsx';
import { KeyLocationFields } from '../KeyLocationFields.tsx';
import { StepActions } from '../WizardFrame.tsx';
import { useNewCaDraft, useNewCaWizard } from './new-ca-draft.ts';
import { FieldRefusal } from '../../../components/MessageText.tsx';

/**
 * The issuing CA's first key: name, algorithm, subject and validity of the
 * certificate its parent signs, and where its private half lives (the vault,
 * or a token: the same choice as the new-key wizards). The token PIN lives in
 * this step only: Next hands it to the session and clears it.
 */
export function KeyStep() {
  const { go, run, busy } = useNewCaWizard();
  const { key, setKey, days, setDays, location, setLocation, taken } = useNewCaDraft();
  const [pin, setPin] = useState('');
  const tokenIncomplete = location.kind === 'token' && (location.serial === '' || pin === '');
  const next = async () => {
    if (location.kind === 'token') {
      const r = await run('token.setPin', { pin });
      setPin('');
      if (!r.ok) return;
    }
    go('create');
  };
  const keyName = key.name.trim();
  // The vault refused this name when creating: said here until the name is changed.
  const nameError = taken?.field === 'keyName' && taken.name === keyName && keyName !== '' ? <FieldRefusal refusal={taken} /> : null;
  const badDays = days.trim() !== '' && !(Number.isInteger(Number(days)) && Number(days) >= 1);
  return (
    <>
      <KeyBasicsFields value={key} onChange={setKey} nameLocked={false} nameError={nameError} subjectHelp='The issuing CA’s name in its certificate, e.g. "CN=Fleet Issuing CA 2026,O=Acme".' />
      <TextField
        label="Validity (days, optional)"
        type="number"
        value={days}
        onChange={(e) => setDays(e.target.value)}
        error={badDays}
        helperText={badDays ? 'A whole number of days, 1 or more; or leave it empty.' : 'Empty: the sub-CA profile’s default. Never beyond the parent’s own certificate.'}
        sx={{ mt: 2 }}
        slotProps={{ htmlInput: { min: 1, inputMode: 'numeric' } }}
      />
      <KeyLocationFields value={location} onChange={setLocation} locked={false} pin={pin} onPin={setPin} />
      <StepActions onBack={() => go('basics')}>
        <Button variant="contained" disabled={busy || key.name.trim() === '' || nameError !== null || key.subject.trim() === '' || badDays || tokenIncomplete} onClick={() => void next()}>
          Next
        </Button>
      </StepActions>
    </>
  );
}
