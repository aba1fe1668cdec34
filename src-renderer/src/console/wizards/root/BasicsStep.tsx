import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { FieldRefusal } from '../../../components/MessageText.tsx';
import { problemAt } from '../field-check.ts';
import { KeyBasicsStep } from '../KeyBasicsStep.tsx';
import { useRootDraft } from './root-draft.ts';

/** Name, algorithm, subject, validity and path length of the new root; the validity is checked with the subject on Next (key.selfSign's limit). */
export function BasicsStep() {
  const { days, setDays, pathLength, setPathLength, refused } = useRootDraft();
  const daysProblem = problemAt(refused.days, days);
  return (
    <KeyBasicsStep subjectHelp='The root’s name, e.g. "CN=Acme Offline Root 2026,O=Acme".' days={{ for: 'root', value: days }}>
      <Stack direction="row" spacing={2} sx={{ mt: 2, alignItems: 'flex-start' }}>
        <TextField
          label="Validity (days)"
          type="number"
          value={days}
          onChange={(e) => setDays(e.target.value)}
          error={daysProblem !== null}
          helperText={daysProblem ? <FieldRefusal refusal={daysProblem} /> : 'From now; 3650 is ten years.'}
          slotProps={{ htmlInput: { min: 1, inputMode: 'numeric' } }}
          sx={{ flex: 1 }}
        />
        <TextField label="Path length (optional)" type="number" value={pathLength} onChange={(e) => setPathLength(e.target.value)} helperText="How many CA levels may sit below this root; empty: no limit." slotProps={{ htmlInput: { min: 0, inputMode: 'numeric' } }} sx={{ flex: 1 }} />
      </Stack>
    </KeyBasicsStep>
  );
}
