import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { MediumFolderField } from '../MediumFolderField.tsx';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { FileCheckTable } from './FileCheckTable.tsx';
import { counted, useIssueMediaDraft, useIssueMediaWizard } from './issue-media-draft.ts';

/** The requests folder: media.readRequests shows which files will be signed and which are refused, and why. */
export function FolderStep() {
  const { go, run, busy } = useIssueMediaWizard();
  const { medium, setMedium, sub, setSub, inDir, requests, setRequests, profiles, setProfiles, outDir, setOutDir, accepted, renewals, refused } = useIssueMediaDraft();

  const readRequests = async () => {
    setRequests(null);
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
      <MediumFolderField
        value={medium}
        onChange={(v) => {
          setMedium(v);
          setRequests(null);
        }}
        legend="Medium holding the requests"
      />
      <TextField
        label="Folder on the medium (optional)"
        value={sub}
        onChange={(e) => {
          setSub(e.target.value);
          setRequests(null);
        }}
        helperText={medium ? `Requests are read from ${inDir}` : 'Choose a medium first; empty: its top folder.'}
        sx={{ mt: 2 }}
        fullWidth
        slotProps={{ htmlInput: { spellCheck: false } }}
      />
      <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
        <Button variant="outlined" disabled={medium.trim() === '' || busy} onClick={() => void readRequests()}>
          Read the requests
        </Button>
      </Stack>
      <StepRefusal title="The requests could not be read" spaced />
      {requests ? (
        <FileCheckTable
          sx={{ mt: 2 }}
          titleId="requests-title"
          title={requests.files.length === 0 ? 'No files in this folder' : `${counted(accepted, 'request', 'requests')} can be signed, ${renewals > 0 ? `${counted(renewals, 'renewal request', 'renewal requests')} can be renewed, ` : ''}${refused} refused`}
          countTestId="requests-count"
          tableTestId="requests-table"
          rowTestId="request-row"
          checkHeading="Check"
          hideEmpty
          rows={requests.files.map((f) => ({
            file: f.name,
            ...(f.ok ? { ok: true, text: f.kind === 'renewal' ? "OK: a renewal request, signed with the agent's certificate (checked when it is renewed)" : 'OK: a certificate request' } : { ok: false, code: f.code, message: f.message }),
          }))}
        />
      ) : null}
      <StepActions>
        <Button variant="contained" disabled={!requests || accepted + renewals === 0} onClick={() => void toProfile()}>
          Next: profile
        </Button>
      </StepActions>
    </>
  );
}
