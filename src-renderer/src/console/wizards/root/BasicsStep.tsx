import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { KeyBasicsStep } from '../KeyBasicsStep.tsx';
import { useRootDraft } from './root-draft.ts';

/** Name, algorithm, subject, validity and path length of the new root. */
export function BasicsStep() {
  const { days, setDays, pathLength, setPathLength } = useRootDraft();
  return (
    <KeyBasicsStep subjectHelp='The root’s name, e.g. "CN=Acme Offline Root 2026,O=Acme".'>
      <Stack direction="row" spacing={2} sx={{ mt: 2 }}>
        <TextField label="Validity (days)" type="number" value={days} onChange={(e) => setDays(e.target.value)} helperText="From now; 3650 is ten years." slotProps={{ htmlInput: { min: 1, inputMode: 'numeric' } }} />
        <TextField label="Path length (optional)" type="number" value={pathLength} onChange={(e) => setPathLength(e.target.value)} helperText="How many CA levels may sit below this root; empty: no limit." slotProps={{ htmlInput: { min: 0, inputMode: 'numeric' } }} />
      </Stack>
    </KeyBasicsStep>
  );
}
