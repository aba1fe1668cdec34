import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { MediumFolderForm } from '../MediumFolderField.tsx';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import Alert from '@mui/material/Alert';
import Typography from '@mui/material/Typography';
import { counted, useIssueMediaDraft, useIssueMediaWizard } from './issue-media-draft.ts';
import { CA_ELSEWHERE, RequestTable, SignedBy } from './RequestTable.tsx';

/** The requests folder: media.readRequests shows which files will be signed and which are refused, and why. */
export function FolderStep() {
  const { go, run, busy } = useIssueMediaWizard();
  const { medium, setMedium, sub, setSub, inDir, requests, setRequests, profiles, setProfiles, outDir, setOutDir, accepted, renewals, refused, ticked, setTicked, tickable } = useIssueMediaDraft();
  const asksForCa = requests?.files.filter((f) => f.request?.asksForCa).length ?? 0;

  const readRequests = async () => {
    setRequests(null);
    // A new reading: nothing is ticked until the officer has looked at it.
    setTicked([]);
    const r = await run('media.readRequests', { dir: inDir });
    if (r.ok) setRequests(r.value);
  };

  const toProfile = async () => {
    if (outDir === '' && requests) setOutDir(requests.dir);
    go('profile');
    if (profiles) return;
    const r = await run('cert.profiles', {});
    if (r.ok) setProfiles(r.value);
  };

  return (
    <>
      <MediumFolderForm
        legend="Medium holding the requests"
        medium={medium}
        onMedium={(v) => {
          setMedium(v);
          setRequests(null);
        }}
        sub={sub}
        onSub={(v) => {
          setSub(v);
          setRequests(null);
        }}
        readsFrom={`Requests are read from ${inDir}`}
        action="Read the requests"
        busy={busy}
        onRead={() => void readRequests()}
      />
      <StepRefusal title="The requests could not be read" spaced />
      {requests ? (
        <Stack sx={{ mt: 2 }} spacing={1}>
          <Typography variant="subtitle1" component="h3" id="requests-title" data-testid="requests-count">
            {requests.files.length === 0
              ? 'No files in this folder'
              : `${counted(tickable.length, 'request', 'requests')} can be signed, ${refused} refused${asksForCa > 0 ? `, ${asksForCa} asking to be a CA` : ''}`}
          </Typography>
          <SignedBy signer={requests.signer} />
          {requests.files.length > 0 ? (
            <>
              <Typography variant="body2">Tick each request to sign; only ticked requests are signed. Only the SANs are copied from a request: the profile decides every other extension of the certificate.</Typography>
              <RequestTable files={requests.files} ticked={ticked} onTicked={setTicked} />
              <Typography variant="body2" data-testid="requests-ticked" role="status">
                {`Ticked: ${counted(accepted, 'request', 'requests')}${renewals > 0 ? ` and ${counted(renewals, 'renewal request', 'renewal requests')}` : ''}.`}
              </Typography>
            </>
          ) : null}
          {asksForCa > 0 ? (
            <Alert severity="warning" data-testid="requests-ca-elsewhere">
              {CA_ELSEWHERE}
            </Alert>
          ) : null}
        </Stack>
      ) : null}
      <StepActions>
        <Button variant="contained" disabled={!requests || !requests.signer || accepted + renewals === 0} onClick={() => void toProfile()}>
          Next: profile
        </Button>
      </StepActions>
    </>
  );
}
