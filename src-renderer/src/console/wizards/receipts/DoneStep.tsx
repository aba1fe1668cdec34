import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import { FinishActions } from '../WizardFrame.tsx';
import { counted } from '../issue-media/issue-media-draft.ts';
import { useReceiptsDraft } from './receipts-draft.ts';

/** What was stored: the counts the audit event records. */
export function DoneStep() {
  const { result, refused } = useReceiptsDraft();
  if (!result) return null;
  return (
    <>
      <Alert severity={refused(result) === 0 ? 'success' : 'warning'} data-testid="receipts-done">
        <AlertTitle>{counted(result.accepted, 'receipt', 'receipts')} imported</AlertTitle>
        {result.duplicates} already imported before, {refused(result)} refused and not stored. The dashboard's rotation panel now counts the agents that sent them.
      </Alert>
      <FinishActions />
    </>
  );
}
