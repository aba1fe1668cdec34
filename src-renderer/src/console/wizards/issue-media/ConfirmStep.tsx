import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import { MonoText } from '../../../components/MonoText.tsx';
import { useAppStore } from '../../../store/index.ts';
import { SummaryRow } from '../SummaryRow.tsx';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { counted, useIssueMediaDraft, useIssueMediaWizard } from './issue-media-draft.ts';

/** What will be signed; Issue is the wizard's only mutating call (cert.issueBatch). */
export function ConfirmStep() {
  const clearProgress = useAppStore((s) => s.clearProgress);
  const { go, setStep, run, error } = useIssueMediaWizard();
  const { requests, inDir, profile, days, chosen, outDir, accepted, refused, setResult } = useIssueMediaDraft();

  const issue = async () => {
    setResult(null);
    clearProgress('cert.issueBatch');
    go('issue');
    const d = days.trim() === '' ? undefined : Number(days);
    const r = await run('cert.issueBatch', { inDir: requests?.dir ?? inDir, outDir, profile, ...(d !== undefined ? { days: d } : {}) });
    // A refused batch signed nothing: back to the confirmation, which shows why.
    if (r.ok) setResult(r.value);
    else setStep('confirm');
  };

  return (
    <>
      <Table size="small" aria-label="What will be issued" data-testid="issue-summary">
        <TableBody>
          <SummaryRow label="Requests to sign" labelWidth={200}>{`${counted(accepted, 'request', 'requests')}${refused > 0 ? ` (${refused} refused ${refused === 1 ? 'file is' : 'files are'} skipped)` : ''}`}</SummaryRow>
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
          {error ? 'Retry' : `Issue ${counted(accepted, 'certificate', 'certificates')}`}
        </Button>
      </StepActions>
    </>
  );
}
