import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { KeyBasicsFields } from '../KeyBasicsFields.tsx';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { useNewCaDraft, useNewCaWizard } from './new-ca-draft.ts';
import { FieldRefusal } from '../../../components/MessageText.tsx';
import { checkTyped, NOTHING_REFUSED, problemAt, type CheckedFields } from '../field-check.ts';
import { useWizardField } from '../wizard-state.ts';

/**
 * The issuing CA's first key: name, algorithm, subject and validity of the
 * certificate its parent signs. Next has the main process check the subject
 * and the validity under the parent (input.check); a refusal stands at its
 * field until it is edited.
 */
export function KeyStep() {
  const { go, run, busy, busyWhile } = useNewCaWizard();
  const { key, setKey, days, setDays, taken, parent } = useNewCaDraft();
  // The subject and validity as the main process refused them on Next (input.check, the checks of ca.create): at their fields, for those values only.
  const [refused, setRefused] = useWizardField<CheckedFields>('new-ca', 'refused', NOTHING_REFUSED);
  const subjectProblem = problemAt(refused.subject, key.subject);
  const daysProblem = problemAt(refused.days, days);
  const next = () =>
    busyWhile(async () => {
      const c = await checkTyped(run, { subject: key.subject.trim(), days: { for: 'child-ca', value: days, parent } });
      if (!c) return;
      // Kept against the subject as typed (the check had it trimmed, as ca.create takes it).
      setRefused({ ...c.checked, subject: c.checked.subject ? { ...c.checked.subject, value: key.subject } : null });
      if (c.passed) go('create');
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
      <StepRefusal title="The values could not be checked" spaced />
      <StepActions onBack={() => go('basics')}>
        <Button variant="contained" disabled={busy || key.name.trim() === '' || nameError !== null || key.subject.trim() === '' || subjectProblem !== null || daysProblem !== null} onClick={() => void next()}>
          Next
        </Button>
      </StepActions>
    </>
  );
}
