import Button from '@mui/material/Button';
import { HexChip } from '../../../components/KeyIdChip.tsx';
import { OperationProgress } from '../../../components/OperationProgress.tsx';
import { StepActions } from '../WizardFrame.tsx';
import { FileCheckTable } from './FileCheckTable.tsx';
import { RenewalReport } from './RenewalReport.tsx';
import { useIssueMediaDraft, useIssueMediaWizard } from './issue-media-draft.ts';

/** The batch being signed, with progress, then the result of each file. */
export function IssueStep() {
  const { go, busy } = useIssueMediaWizard();
  const { result, renewal } = useIssueMediaDraft();
  const replays = new Set(renewal?.requests.filter((l) => l.status === 'already-issued').map((l) => l.file) ?? []);
  return (
    <>
      <OperationProgress operation="cert.issueBatch" label="Signing the requests" running={busy} />
      {result ? (
        <FileCheckTable
          titleId="results-title"
          title={`${result.issued} issued, ${result.failed} refused`}
          countTestId="issue-result-count"
          tableTestId="issue-results"
          rowTestId="issue-result-row"
          checkHeading="Result"
          rows={result.results.map((r) =>
            r.ok
              ? {
                  file: r.file,
                  ok: true,
                  text: (
                    <>
                      {replays.has(r.file) ? 'Already issued (the same request served before), serial' : 'Issued, serial'} <HexChip value={r.serial ?? ''} kind="serial number" />
                    </>
                  ),
                }
              : { file: r.file, ok: false, code: r.code, message: r.message },
          )}
        />
      ) : null}
      {result && renewal ? <RenewalReport report={renewal} /> : null}
      <StepActions>
        <Button variant="contained" disabled={busy || !result} onClick={() => go('done')}>
          Next: done
        </Button>
      </StepActions>
    </>
  );
}
