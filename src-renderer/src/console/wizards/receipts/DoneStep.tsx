import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import { EjectMedium } from '../../../components/EjectMedium.tsx';
import { FinishActions } from '../WizardFrame.tsx';
import { counted } from '../issue-media/issue-media-draft.ts';
import { useReceiptsDraft } from './receipts-draft.ts';

/** What was stored (the counts the audit event records), and Eject before the medium goes back to the fleet. */
export function DoneStep() {
  const { result, refused, medium, ejected, setEjected } = useReceiptsDraft();
  if (!result) return null;
  return (
    <>
      <Alert severity={refused(result) === 0 ? 'success' : 'warning'} data-testid="receipts-done">
        <AlertTitle>{counted(result.accepted, 'receipt', 'receipts')} imported</AlertTitle>
        {result.duplicates} already imported before, {refused(result)} refused and not stored. The dashboard's rotation panel now counts the agents that sent them.
      </Alert>
      <Box sx={{ mt: 2 }}>
        <EjectMedium path={medium} ejected={ejected} onEjected={() => setEjected(true)} why="Pulling it out before the system lets go of it can damage what is on it." />
      </Box>
      <FinishActions focus={ejected} />
    </>
  );
}
