import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type ReactNode } from 'react';
import type { BatchResult, ProfileName, ProfileView, RequestFolderView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { CopyTextButton } from '../../components/CopyTextButton.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { OperationProgress, useOperationProgress } from '../../components/OperationProgress.tsx';
import { useAppStore } from '../../store/index.ts';
import { MediumFolderField } from './MediumFolderField.tsx';
import { StepActions, WizardFrame } from './WizardFrame.tsx';
import { stepIndex, useWizardField, type WizardStepDef } from './wizard-state.ts';
import { shown } from '../../components/shown.ts';

const STEPS = [
  { id: 'folder', label: 'Requests folder', next: 'Nothing is issued yet. Choose the medium and the folder holding the requests (CSRs); they are read and checked, not signed.' },
  { id: 'profile', label: 'Profile and validity', next: 'Nothing is issued yet. Next you confirm what will be signed.' },
  { id: 'confirm', label: 'Confirm', next: 'Nothing is issued until you press Issue. Then the active key signs every accepted request and the certificates are written to the output folder.' },
  { id: 'issue', label: 'Issue', next: 'The certificates are recorded in the vault and written to the medium. Check the result of each file below.' },
  { id: 'done', label: 'Done', next: 'Eject (unmount) the medium before pulling it out, then carry the certificates to the agents.' },
] as const satisfies readonly WizardStepDef[];
type StepId = (typeof STEPS)[number]['id'];

/** The medium's folder, or a folder below it; the separator follows the medium's own path. */
function joinPath(root: string, sub: string): string {
  const s = sub.trim().replace(/^[\\/]+|[\\/]+$/g, '');
  if (s === '') return root.trim();
  const sep = root.includes('\\') && !root.includes('/') ? '\\' : '/';
  return `${root.trim().replace(/[\\/]+$/, '')}${sep}${s}`;
}

/**
 * Wizard 4, issue from media: the requests folder (media.readRequests shows
 * which files will be signed and which are refused, and why), the profile and
 * validity, a confirm step, then cert.issueBatch — the only mutating call —
 * with progress and a result per file, and where the certificates went.
 */
export function IssueFromMediaWizard() {
  const closeWizard = useAppStore((s) => s.closeWizard);
  const clearProgress = useAppStore((s) => s.clearProgress);
  useOperationProgress('cert.issueBatch');
  const [step, setStep] = useWizardField<StepId>('issue-media', 'step', 'folder');
  const [medium, setMedium] = useWizardField('issue-media', 'medium', '');
  const [sub, setSub] = useWizardField('issue-media', 'sub', '');
  const [requests, setRequests] = useWizardField<RequestFolderView | null>('issue-media', 'requests', null);
  const [profiles, setProfiles] = useWizardField<ProfileView[] | null>('issue-media', 'profiles', null);
  const [profile, setProfile] = useWizardField<ProfileName>('issue-media', 'profile', 'agent');
  const [days, setDays] = useWizardField('issue-media', 'days', '');
  const [outDir, setOutDir] = useWizardField('issue-media', 'outDir', '');
  const [result, setResult] = useWizardField<BatchResult | null>('issue-media', 'result', null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  const inDir = joinPath(medium, sub);
  const accepted = requests?.files.filter((f) => f.ok).length ?? 0;
  const refused = (requests?.files.length ?? 0) - accepted;
  const chosen = profiles?.find((p) => p.name === profile) ?? null;

  const go = (s: StepId) => {
    setError(null);
    setStep(s);
  };

  const readRequests = async () => {
    setBusy(true);
    setError(null);
    setRequests(null);
    const r = await call('media.readRequests', { dir: inDir });
    setBusy(false);
    if (!r.ok) return setError(r);
    setRequests(r.value);
  };

  const toProfile = async () => {
    if (outDir === '' && requests) setOutDir(requests.dir);
    go('profile');
    if (profiles) return;
    const r = await call('cert.profiles', {});
    if (!r.ok) return setError(r);
    setProfiles(r.value);
  };

  const issue = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    clearProgress('cert.issueBatch');
    setStep('issue');
    const d = days.trim() === '' ? undefined : Number(days);
    const r = await call('cert.issueBatch', { inDir: requests?.dir ?? inDir, outDir, profile, ...(d !== undefined ? { days: d } : {}) });
    setBusy(false);
    if (!r.ok) {
      setStep('confirm');
      setError(r);
      return;
    }
    setResult(r.value);
  };

  let body;
  switch (step) {
    case 'folder':
      body = (
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
          {error ? (
            <Stack sx={{ mt: 2 }}>
              <ApiErrorAlert error={error} title="The requests could not be read" />
            </Stack>
          ) : null}
          {requests ? <RequestTable view={requests} accepted={accepted} refused={refused} /> : null}
          <StepActions>
            <Button variant="contained" disabled={!requests || accepted === 0} onClick={() => void toProfile()}>
              Next: profile
            </Button>
          </StepActions>
        </>
      );
      break;
    case 'profile':
      body = (
        <>
          {error ? <ApiErrorAlert error={error} title="The profiles could not be read" /> : null}
          {profiles ? (
            <FormControl>
              <FormLabel id="issue-profile">Certificate profile</FormLabel>
              <RadioGroup aria-labelledby="issue-profile" value={profile} onChange={(_e, value) => setProfile(profiles?.find((p) => p.name === value)?.name ?? profile)}>
                {profiles.map((p) => (
                  <FormControlLabel key={p.name} value={p.name} control={<Radio />} label={`${p.name} — ${p.description} (${p.defaultDays} days by default, at most ${p.maxDays})`} />
                ))}
              </RadioGroup>
            </FormControl>
          ) : null}
          <Stack spacing={2} sx={{ mt: 2 }}>
            <TextField
              label="Validity in days (optional)"
              type="number"
              value={days}
              onChange={(e) => setDays(e.target.value)}
              helperText={chosen ? `Empty: the profile's ${chosen.defaultDays} days.` : 'Empty: the profile’s default.'}
              slotProps={{ htmlInput: { min: 1, inputMode: 'numeric' } }}
              sx={{ maxWidth: 320 }}
            />
            <TextField
              label="Write the certificates to (an existing folder)"
              value={outDir}
              onChange={(e) => setOutDir(e.target.value)}
              helperText="By default the requests folder itself: each request gets a <name>.crt.pem beside it. Existing files are never overwritten."
              fullWidth
              slotProps={{ htmlInput: { spellCheck: false } }}
            />
          </Stack>
          <StepActions onBack={() => go('folder')}>
            <Button variant="contained" disabled={!profiles || outDir.trim() === ''} onClick={() => go('confirm')}>
              Next: confirm
            </Button>
          </StepActions>
        </>
      );
      break;
    case 'confirm':
      body = (
        <>
          <Table size="small" aria-label="What will be issued" data-testid="issue-summary">
            <TableBody>
              <SummaryRow label="Requests to sign">{`${accepted} ${accepted === 1 ? 'request' : 'requests'}${refused > 0 ? ` (${refused} refused ${refused === 1 ? 'file is' : 'files are'} skipped)` : ''}`}</SummaryRow>
              <SummaryRow label="Read from">
                <MonoText>{requests?.dir}</MonoText>
              </SummaryRow>
              <SummaryRow label="Profile">{profile}</SummaryRow>
              <SummaryRow label="Validity">{days.trim() === '' ? `the profile's default (${chosen?.defaultDays ?? '?'} days)` : `${days} days`}</SummaryRow>
              <SummaryRow label="Written to">
                <MonoText>{outDir}</MonoText>
              </SummaryRow>
            </TableBody>
          </Table>
          {error ? (
            <Stack sx={{ mt: 2 }}>
              <ApiErrorAlert error={error} title="Nothing was issued" />
            </Stack>
          ) : null}
          <StepActions onBack={() => go('profile')}>
            <Button variant="contained" onClick={() => void issue()}>
              {error ? 'Retry' : `Issue ${accepted} ${accepted === 1 ? 'certificate' : 'certificates'}`}
            </Button>
          </StepActions>
        </>
      );
      break;
    case 'issue':
      body = (
        <>
          <OperationProgress operation="cert.issueBatch" label="Signing the requests" running={busy} />
          {result ? <ResultTable result={result} /> : null}
          <StepActions>
            <Button variant="contained" disabled={busy || !result} onClick={() => go('done')}>
              Next: done
            </Button>
          </StepActions>
        </>
      );
      break;
    default:
      body = result ? (
        <>
          <Alert severity={result.failed === 0 ? 'success' : 'warning'} data-testid="issue-done">
            <AlertTitle>
              {result.issued} {result.issued === 1 ? 'certificate' : 'certificates'} written to the medium
              {result.failed > 0 ? `; ${result.failed} ${result.failed === 1 ? 'file' : 'files'} refused` : ''}
            </AlertTitle>
            The certificates are in <MonoText testId="issue-out-dir">{outDir}</MonoText> <CopyTextButton text={outDir} label="Copy the folder path" />, one <MonoText>.crt.pem</MonoText> per request.
            {result.failed > 0 ? ' Refused requests were not signed; send them back to their owners with the reason shown on the previous step.' : ''}
          </Alert>
          <Typography variant="body2" sx={{ mt: 2 }}>
            Eject (unmount) the medium before pulling it out.
          </Typography>
          <StepActions>
            <Button variant="contained" onClick={closeWizard}>
              Done
            </Button>
          </StepActions>
        </>
      ) : null;
  }

  return (
    <WizardFrame title="Issue from media" steps={STEPS} step={step} onClose={closeWizard} closeLabel={stepIndex(STEPS, step) >= stepIndex(STEPS, 'issue') ? 'Close' : 'Cancel'}>
      {body}
    </WizardFrame>
  );
}

function SummaryRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <TableRow>
      <TableCell component="th" scope="row" sx={{ width: 200 }}>
        {label}
      </TableCell>
      <TableCell>{children}</TableCell>
    </TableRow>
  );
}

function RequestTable({ view, accepted, refused }: { view: RequestFolderView; accepted: number; refused: number }) {
  return (
    <Stack sx={{ mt: 2 }} spacing={1}>
      <Typography variant="subtitle1" component="h3" id="requests-title" data-testid="requests-count">
        {view.files.length === 0 ? 'No files in this folder' : `${accepted} ${accepted === 1 ? 'request' : 'requests'} can be signed, ${refused} refused`}
      </Typography>
      {view.files.length > 0 ? (
        <Table size="small" aria-labelledby="requests-title" data-testid="requests-table">
          <TableHead>
            <TableRow>
              <TableCell>File</TableCell>
              <TableCell>Check</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {view.files.map((f) => (
              <TableRow key={f.name} data-testid="request-row">
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  <MonoText>{f.name}</MonoText>
                </TableCell>
                <TableCell>
                  {f.ok ? (
                    'OK: a certificate request'
                  ) : (
                    <>
                      <strong>Refused</strong> ({f.code}): {shown(f.message)}
                    </>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </Stack>
  );
}

function ResultTable({ result }: { result: BatchResult }) {
  return (
    <Stack spacing={1}>
      <Typography variant="subtitle1" component="h3" id="results-title" data-testid="issue-result-count">
        {result.issued} issued, {result.failed} refused
      </Typography>
      <Table size="small" aria-labelledby="results-title" data-testid="issue-results">
        <TableHead>
          <TableRow>
            <TableCell>File</TableCell>
            <TableCell>Result</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {result.results.map((r) => (
            <TableRow key={r.file} data-testid="issue-result-row">
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                <MonoText>{r.file}</MonoText>
              </TableCell>
              <TableCell>
                {r.ok ? (
                  <>
                    Issued, serial <MonoText>{r.serial}</MonoText>
                  </>
                ) : (
                  <>
                    <strong>Refused</strong> ({r.code}): {shown(r.message)}
                  </>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Stack>
  );
}
