import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import { MonoText } from '../../../components/MonoText.tsx';
import { useAppStore } from '../../../store/index.ts';
import type { BatchResult } from '../../../../../src-main/api/contract.ts';
import { SummaryRow } from '../SummaryRow.tsx';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { counted, useIssueMediaDraft, useIssueMediaWizard } from './issue-media-draft.ts';

/** What will be signed; Issue is the wizard's only mutating call (cert.issueBatch). */
export function ConfirmStep() {
  const clearProgress = useAppStore((s) => s.clearProgress);
  const { go, setStep, run, error } = useIssueMediaWizard();
  const { requests, inDir, profile, days, chosen, outDir, accepted, renewals, refused, setResult } = useIssueMediaDraft();

  const issue = async () => {
    setResult(null);
    clearProgress('cert.issueBatch');
    go('issue');
    const d = days.trim() === '' ? undefined : Number(days);
    const dir = requests?.dir ?? inDir;
    let result: BatchResult = { issued: 0, failed: 0, results: [], bundle: null, seconds: 0 };
    if (accepted > 0) {
      const r = await run('cert.issueBatch', { inDir: dir, outDir, profile, skipRenewals: true, ...(d !== undefined ? { days: d } : {}) });
      // A refused batch signed nothing: back to the confirmation, which shows why.
      if (!r.ok) return setStep('confirm');
      result = r.value;
    }
    if (renewals > 0) {
      const r = await run('cert.renewBatch', { inDir: dir, outDir, ...(d !== undefined ? { days: d } : {}) });
      if (!r.ok) return setStep('confirm');
      // Shown like the plain requests' results: a renewal served again counts as issued, with its serial.
      const rows = r.value.requests.map((x) => ({ file: x.file, ok: x.status !== 'refused', serial: x.newSerial, out: x.out, code: x.code, message: x.message }));
      result = { ...result, issued: result.issued + r.value.counts.issued + r.value.counts.alreadyIssued, failed: result.failed + r.value.counts.refused, results: [...result.results, ...rows].sort((a, b) => a.file.localeCompare(b.file)) };
    }
    setResult(result);
  };

  return (
    <>
      <Table size="small" aria-label="What will be issued" data-testid="issue-summary">
        <TableBody>
          <SummaryRow label="Requests to sign" labelWidth={200}>{`${counted(accepted, 'request', 'requests')}${refused > 0 ? ` (${refused} refused ${refused === 1 ? 'file is' : 'files are'} skipped)` : ''}`}</SummaryRow>
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
            {days.trim() === '' ? `the profile's default (${chosen?.defaultDays ?? '?'} days)` : `${days} days`}
          </SummaryRow>
          <SummaryRow label="Written to" labelWidth={200}>
            <MonoText>{outDir}</MonoText>
          </SummaryRow>
        </TableBody>
      </Table>
      <StepRefusal title="Nothing was issued" spaced />
      <StepActions onBack={() => go('profile')}>
        <Button variant="contained" onClick={() => void issue()}>
          {error ? 'Retry' : `Issue ${counted(accepted + renewals, 'certificate', 'certificates')}`}
        </Button>
      </StepActions>
    </>
  );
}
