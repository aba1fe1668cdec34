import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import Typography from '@mui/material/Typography';
import type { RenewalBatchResult } from '../../../../../src-main/api/contract.ts';
import { CopyTextButton } from '../../../components/CopyTextButton.tsx';
import { MonoText } from '../../../components/MonoText.tsx';
import { SummaryRow } from '../SummaryRow.tsx';
import { counted } from './issue-media-draft.ts';

/**
 * The renewal batch's report as `cert renew-batch` prints it: received,
 * validated, issued, already issued (replays served), refused by code,
 * superseded, and where its JSON and CSV files went.
 */
export function RenewalReport({ report }: { report: RenewalBatchResult }) {
  const c = report.counts;
  const byCode = Object.entries(c.refusedByCode).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Stack spacing={1} sx={{ mt: 2 }}>
      <Typography variant="subtitle1" component="h3" id="renewal-report-title">
        Renewal report
      </Typography>
      <Table size="small" aria-labelledby="renewal-report-title" data-testid="renewal-report">
        <TableBody>
          <SummaryRow label="Received" labelWidth={220}>
            <span data-testid="renewal-received">{counted(c.received, 'renewal request', 'renewal requests')}</span>
          </SummaryRow>
          <SummaryRow label="Validated" labelWidth={220}>
            <span data-testid="renewal-validated">{c.validated}</span>
          </SummaryRow>
          <SummaryRow label="Issued" labelWidth={220}>
            <span data-testid="renewal-issued">{c.issued}</span>
          </SummaryRow>
          <SummaryRow label="Already issued (replays served)" labelWidth={220}>
            <span data-testid="renewal-already-issued">{c.alreadyIssued}</span>
          </SummaryRow>
          <SummaryRow label="Refused" labelWidth={220}>
            <span data-testid="renewal-refused">
              {c.refused}
              {byCode.length > 0 ? ' (' : ''}
              {byCode.map(([code, n], i) => (
                <span key={code}>
                  {i > 0 ? ', ' : ''}
                  <MonoText>{code}</MonoText>: {n}
                </span>
              ))}
              {byCode.length > 0 ? ')' : ''}
            </span>
          </SummaryRow>
          {report.superseded.length > 0 ? (
            <SummaryRow label="Revoked as superseded" labelWidth={220}>
              <span data-testid="renewal-superseded">{`${counted(report.superseded.length, 'renewed certificate', 'renewed certificates')}: publish a CRL`}</span>
            </SummaryRow>
          ) : null}
          <SummaryRow label="Report (JSON and CSV)" labelWidth={220}>
            <Stack spacing={0.5}>
              {[report.report.json, report.report.csv].map((f) => (
                <span key={f}>
                  <MonoText testId="renewal-report-file">{f}</MonoText> <CopyTextButton text={f} label={`Copy the path ${f}`} />
                </span>
              ))}
            </Stack>
          </SummaryRow>
        </TableBody>
      </Table>
    </Stack>
  );
}
