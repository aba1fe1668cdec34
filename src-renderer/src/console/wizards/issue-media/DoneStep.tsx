import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import { EjectMedium } from '../../../components/EjectMedium.tsx';
import { CopyTextButton } from '../../../components/CopyTextButton.tsx';
import { MonoText } from '../../../components/MonoText.tsx';
import { FinishActions } from '../WizardFrame.tsx';
import { counted, useIssueMediaDraft } from './issue-media-draft.ts';

/** Where the certificates went, what to do with the refused requests, and Eject first (a new step: the focus is on its heading, as in the export's last step; after the eject on Done). */
export function DoneStep() {
  const { result, renewal, outDir, ejected, setEjected } = useIssueMediaDraft();
  if (!result) return null;
  return (
    <>
      <EjectMedium path={outDir} ejected={ejected} onEjected={() => setEjected(true)} why="Pulling it out now can lose the certificates just written." />
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
      <FinishActions focus={ejected} />
    </>
  );
}
