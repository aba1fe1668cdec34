import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import type { ErrorCode } from '../../../../../src-main/api/contract.ts';
import { KeyBasicsFields } from '../KeyBasicsFields.tsx';
import { KeyLocationFields, TokenRefusalAlert } from '../KeyLocationFields.tsx';
import { PIN_AT_FIELD, TOKEN_CODES, useTokenRefusal } from '../key-location.ts';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { useNewCaDraft, useNewCaWizard } from './new-ca-draft.ts';
import { FieldRefusal } from '../../../components/MessageText.tsx';
import { checkTyped, NOTHING_REFUSED, problemAt, type CheckedFields } from '../field-check.ts';
import { useWizardField } from '../wizard-state.ts';

/**
 * The issuing CA's first key: name, algorithm, subject and validity of the
 * certificate its parent signs, and where its private half lives (the vault,
 * or a token: the same choice as the new-key wizards). Next has the main
 * process check the subject and the validity under the parent (input.check)
 * and, for a token, the token try the PIN (token.checkPin); a refusal stands
 * at its field until it is edited. The PIN lives in this step only: Next
 * hands it over and clears it.
 */
export function KeyStep() {
  const { go, run, busy, busyWhile } = useNewCaWizard();
  const { key, setKey, days, setDays, location, setLocation, taken, parent } = useNewCaDraft();
  // The subject and validity as the main process refused them on Next (input.check, the checks of ca.create): at their fields, for those values only.
  const [refused, setRefused] = useWizardField<CheckedFields>('new-ca', 'refused', NOTHING_REFUSED);
  const subjectProblem = problemAt(refused.subject, key.subject);
  const daysProblem = problemAt(refused.days, days);
  const [pin, setPin] = useState('');
  const [pinRefused, setPinRefused] = useState<ErrorCode | null>(null);
  const [tokenRefusal, noteToken] = useTokenRefusal();
  const tokenIncomplete = location.kind === 'token' && (location.serial === '' || pin === '');
  const next = () =>
    busyWhile(async () => {
      const c = await checkTyped(run, { subject: key.subject.trim(), days: { for: 'child-ca', value: days, parent } });
      if (!c) return;
      // Kept against the subject as typed (the check had it trimmed, as ca.create takes it).
      setRefused({ ...c.checked, subject: c.checked.subject ? { ...c.checked.subject, value: key.subject } : null });
      if (!c.passed) return;
      if (location.kind === 'token') {
        const r = await run('token.checkPin', { token: { serial: location.serial }, pin }, { handles: TOKEN_CODES });
        setPin('');
        const atPin = !r.ok && r.code in PIN_AT_FIELD;
        setPinRefused(atPin ? r.code : null);
        noteToken(!r.ok && !atPin ? r : { ok: true });
        if (!r.ok) return;
      }
      go('create');
    });
  const keyName = key.name.trim();
  // The vault refused this name when creating: said here until the name is changed.
  const nameError = taken?.field === 'keyName' && taken.name === keyName && keyName !== '' ? <FieldRefusal refusal={taken} /> : null;
  return (
    <>
      <KeyBasicsFields value={key} onChange={setKey} nameLocked={false} nameError={nameError} subjectError={subjectProblem ? <FieldRefusal refusal={subjectProblem} /> : null} subjectHelp='The issuing CA’s name in its certificate, e.g. "CN=Fleet Issuing CA 2026,O=Acme".' />
      <TextField
        label="Validity (days, optional)"
        type="number"
        value={days}
        onChange={(e) => setDays(e.target.value)}
        error={daysProblem !== null}
        helperText={daysProblem ? <FieldRefusal refusal={daysProblem} /> : 'Empty: the sub-CA profile’s default. Never beyond the parent’s own certificate.'}
        sx={{ mt: 2 }}
        slotProps={{ htmlInput: { min: 1, inputMode: 'numeric' } }}
      />
      <KeyLocationFields
        value={location}
        onChange={setLocation}
        locked={false}
        pin={pin}
        onPin={(v) => {
          setPin(v);
          setPinRefused(null);
        }}
        pinError={pinRefused ? <span data-testid="field-refusal" data-code={pinRefused}>{PIN_AT_FIELD[pinRefused]}</span> : null}
      />
      {tokenRefusal ? <TokenRefusalAlert code={tokenRefusal} /> : null}
      <StepRefusal title="The values could not be checked" spaced />
      <StepActions onBack={() => go('basics')}>
        <Button variant="contained" disabled={busy || key.name.trim() === '' || nameError !== null || key.subject.trim() === '' || subjectProblem !== null || daysProblem !== null || tokenIncomplete} onClick={() => void next()}>
          Next
        </Button>
      </StepActions>
    </>
  );
}
