import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import { CopyTextButton } from '../../../components/CopyTextButton.tsx';
import { EjectMedium } from '../../../components/EjectMedium.tsx';
import { MonoText } from '../../../components/MonoText.tsx';
import { FinishActions } from '../WizardFrame.tsx';
import { counted, useIssueMediaDraft } from './issue-media-draft.ts';

/** Where the certificates went, what to do with the refused requests, and Eject: amber until the system has let go of the medium, green after. */
export function DoneStep() {
  const { result, renewal, outDir, medium, ejected, setEjected } = useIssueMediaDraft();
  if (!result) return null;
  return (
    <>
      <Alert severity={result.failed === 0 ? 'success' : 'warning'} data-testid="issue-done">
        <AlertTitle>
          {counted(result.issued, 'certificate', 'certificates')} written to the medium
          {result.failed > 0 ? `; ${counted(result.failed, 'file', 'files')} refused` : ''}
        </AlertTitle>
        The certificates are in <MonoText testId="issue-out-dir">{outDir}</MonoText> <CopyTextButton text={outDir} label="Copy the folder path" />, one <MonoText>.crt.pem</MonoText> per request.
        {renewal ? (
          <>
            {' '}The renewal report is beside them: <MonoText testId="done-renewal-report">{renewal.report.csv}</MonoText> (and its <MonoText>.json</MonoText>).
          </>
        ) : null}
        {result.failed > 0 ? ' Refused requests were not signed; send them back to their owners with the reason shown on the previous step.' : ''}
      </Alert>
      <Box sx={{ mt: 2 }}>
        <EjectMedium path={medium} ejected={ejected} onEjected={() => setEjected(true)} why="Pulling it out now can lose the certificates just written." />
      </Box>
      <FinishActions focus={ejected} />
    </>
  );
}
