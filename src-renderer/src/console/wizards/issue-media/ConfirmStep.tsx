import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { MonoText } from '../../../components/MonoText.tsx';
import { useAppStore } from '../../../store/index.ts';
import type { BatchResult } from '../../../../../src-main/api/contract.ts';
import { SummaryRow } from '../SummaryRow.tsx';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { counted, keyText, useIssueMediaDraft, useIssueMediaWizard } from './issue-media-draft.ts';
import { SignedBy } from './RequestTable.tsx';

/** What will be signed; Issue is the wizard's only mutating call (cert.issueBatch). */
export function ConfirmStep() {
  const clearProgress = useAppStore((s) => s.clearProgress);
  const { go, setStep, run, error } = useIssueMediaWizard();
  const { requests, inDir, profile, days, chosenProfile, outDir, accepted, renewals, chosenRequests, chosenRenewals, setResult, setRenewal, supersede, setSupersede } = useIssueMediaDraft();
  const signingKeyId = requests?.signer?.keyId;
  const unticked = (requests?.files.length ?? 0) - accepted - renewals;

  const issue = async () => {
    setResult(null);
    setRenewal(null);
    clearProgress('cert.issueBatch');
    go('issue');
    const d = days.trim() === '' ? undefined : Number(days);
    const dir = requests?.dir ?? inDir;
    let result: BatchResult = { issued: 0, failed: 0, results: [], bundle: null, seconds: 0 };
    if (accepted > 0) {
      // Exactly the ticked files, each by the SHA-256 of what was shown; the main process re-reads and re-checks them.
      const files = chosenRequests.map((f) => ({ name: f.name, sha256: f.sha256 ?? '' }));
      const r = await run('cert.issueBatch', { inDir: dir, outDir, profile, skipRenewals: true, files, ...(signingKeyId ? { signingKeyId } : {}), ...(d !== undefined ? { days: d } : {}) });
      // A refused batch signed nothing: back to the confirmation, which shows why.
      if (!r.ok) return setStep('confirm');
      result = r.value;
    }
    if (renewals > 0) {
      const files = chosenRenewals.map((f) => ({ name: f.name, sha256: f.sha256 ?? '' }));
      const r = await run('cert.renewBatch', { inDir: dir, outDir, files, supersede, ...(signingKeyId ? { signingKeyId } : {}), ...(d !== undefined ? { days: d } : {}) });
      if (!r.ok) return setStep('confirm');
      setRenewal(r.value);
      // Shown like the plain requests' results: a renewal served again counts as issued, with its serial.
      const rows = r.value.requests.map((x) => ({ file: x.file, ok: x.status !== 'refused', serial: x.newSerial, out: x.out, code: x.code, message: x.message }));
      result = { ...result, issued: result.issued + r.value.counts.issued + r.value.counts.alreadyIssued, failed: result.failed + r.value.counts.refused, results: [...result.results, ...rows].sort((a, b) => a.file.localeCompare(b.file)) };
    }
    setResult(result);
  };

  return (
    <>
      <SignedBy signer={requests?.signer ?? null} />
      <Table size="small" aria-label="What will be issued" data-testid="issue-summary" sx={{ mt: 1 }}>
        <TableBody>
          <SummaryRow label="Requests to sign" labelWidth={200}>{`${counted(accepted, 'ticked request', 'ticked requests')}${unticked > 0 ? ` (${counted(unticked, 'other file is', 'other files are')} not signed)` : ''}`}</SummaryRow>
          {renewals > 0 ? (
            <SummaryRow label="Renewal requests" labelWidth={200}>
              {`${counted(renewals, 'renewal request', 'renewal requests')}: each checked against the certificate that signed it and renewed with that certificate's profile; a report goes to the output folder`}
            </SummaryRow>
          ) : null}
          <SummaryRow label="Read from" labelWidth={200}>
            <MonoText>{requests?.dir}</MonoText>
          </SummaryRow>
          <SummaryRow label="Profile" labelWidth={200}>
            {profile}
          </SummaryRow>
          <SummaryRow label="Validity" labelWidth={200}>
            {days.trim() === '' ? `the profile's default (${chosenProfile?.defaultDays ?? '?'} days)` : `${days} days`}
          </SummaryRow>
          <SummaryRow label="Written to" labelWidth={200}>
            <MonoText>{outDir}</MonoText>
          </SummaryRow>
        </TableBody>
      </Table>
      <Typography variant="subtitle1" component="h3" id="chosen-title" sx={{ mt: 2 }}>
        What will be signed
      </Typography>
      <Table size="small" aria-labelledby="chosen-title" data-testid="issue-chosen" sx={{ tableLayout: 'fixed', width: '100%' }}>
        <TableHead>
          <TableRow>
            <TableCell sx={{ width: '22%' }}>File</TableCell>
            <TableCell>Subject and SANs</TableCell>
            <TableCell sx={{ width: '16%' }}>Key</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {[...chosenRequests, ...chosenRenewals].map((f) => (
            <TableRow key={f.name} data-testid="chosen-row">
              <TableCell sx={{ overflowWrap: 'anywhere' }}>
                <MonoText>{f.name}</MonoText>
                {f.kind === 'renewal' ? ' (renewal)' : ''}
              </TableCell>
              <TableCell sx={{ overflowWrap: 'anywhere' }}>
                <MonoText>{f.request?.subject || '(no subject)'}</MonoText>
                {f.request && f.request.sans.length > 0 ? <div>{f.request.sans.join(', ')}</div> : null}
              </TableCell>
              <TableCell>{f.request ? keyText(f.request.key) : ''}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {renewals > 0 ? (
        <FormControlLabel
          sx={{ mt: 1 }}
          control={<Checkbox checked={supersede} onChange={(e) => setSupersede(e.target.checked)} />}
          label="Revoke each renewed certificate (reason superseded) once its successor is recorded: it goes on the next CRL"
        />
      ) : null}
      <StepRefusal title="Nothing was issued" spaced />
      <StepActions onBack={() => go('profile')}>
        <Button variant="contained" onClick={() => void issue()}>
          {error ? 'Retry' : `Issue ${counted(accepted + renewals, 'certificate', 'certificates')}`}
        </Button>
      </StepActions>
    </>
  );
}
