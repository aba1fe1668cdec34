import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useState } from 'react';
import type { AuditEventView, AuditVerificationView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { CopyTextButton } from '../../components/CopyTextButton.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { shown } from '../../components/shown.ts';

const SHOWN = 2000;

/** JSON escapes C0 but leaves bidi and zero-width characters: the whole line goes through shown(). */
function detailsText(d: Record<string, unknown>): string {
  return shown(
    Object.entries(d)
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' · '),
  );
}

function Verification({ v, error, onVerify }: { v: AuditVerificationView | null; error: ApiFailure | null; onVerify: () => void }) {
  if (error) return <ApiErrorAlert error={error} title="The audit chain could not be verified" />;
  if (!v) return <Alert severity="info">Verifying the audit chain…</Alert>;
  const again = (
    <Button color="inherit" size="small" onClick={onVerify}>
      Verify again
    </Button>
  );
  if (v.ok) {
    return (
      <Alert severity="success" data-testid="audit-verification" action={again}>
        <AlertTitle>Audit chain verified: {v.count} events, unbroken</AlertTitle>
        Head hash <MonoText>{v.head}</MonoText>
        {v.head ? <CopyTextButton text={v.head} label="Copy the head hash" /> : null}
      </Alert>
    );
  }
  return (
    <Alert severity="error" variant="filled" data-testid="audit-verification" action={again}>
      <AlertTitle>Audit chain BROKEN at event {v.brokenAt}</AlertTitle>
      {shown(v.reason)} Events from {v.brokenAt} on cannot be trusted: the log was altered outside Airgap CA. Stop, keep the workstation as it is, and report it to your security lead.
    </Alert>
  );
}

/** The audit log: the chain's verification status first, then the events with filters, and an export to a file. */
export function AuditSection() {
  const [verification, setVerification] = useState<AuditVerificationView | null>(null);
  const [verifyError, setVerifyError] = useState<ApiFailure | null>(null);
  const [events, setEvents] = useState<AuditEventView[] | null>(null);
  const [total, setTotal] = useState(0);
  const [listError, setListError] = useState<ApiFailure | null>(null);
  const [action, setAction] = useState('');
  const [since, setSince] = useState('');
  const [filter, setFilter] = useState<{ action: string; since: string }>({ action: '', since: '' });
  const [out, setOut] = useState('');
  const [exported, setExported] = useState<{ file: string; events: number } | null>(null);
  const [exportError, setExportError] = useState<ApiFailure | null>(null);
  const [exporting, setExporting] = useState(false);

  const verify = useCallback(() => {
    void call('audit.verify', {}).then((r) => {
      if (r.ok) {
        setVerification(r.value);
        setVerifyError(null);
      } else setVerifyError(r);
    });
  }, []);

  useEffect(() => verify(), [verify]);

  useEffect(() => {
    // datetime-local is the officer's local time; the api takes an ISO instant.
    const sinceIso = filter.since ? new Date(filter.since).toISOString() : undefined;
    void call('audit.list', { limit: SHOWN, ...(filter.action ? { action: filter.action } : {}), ...(sinceIso ? { since: sinceIso } : {}) }).then((r) => {
      if (r.ok) {
        setEvents([...r.value.events].reverse());
        setTotal(r.value.total);
        setListError(null);
      } else setListError(r);
    });
  }, [filter, exported]);

  const doExport = async () => {
    setExporting(true);
    const r = await call('audit.export', { out: out.trim() });
    setExporting(false);
    if (r.ok) {
      setExported(r.value);
      setExportError(null);
    } else {
      setExportError(r);
      setExported(null);
    }
  };

  return (
    <Box>
      <Typography variant="h4" component="h1" gutterBottom>
        Audit log
      </Typography>
      <Box sx={{ mb: 3 }}>
        <Verification v={verification} error={verifyError} onVerify={verify} />
      </Box>
      <Paper variant="outlined" component="section" aria-labelledby="audit-events-heading" sx={{ p: 2, mb: 3 }}>
        <Typography id="audit-events-heading" variant="h6" component="h2" gutterBottom>
          Events
        </Typography>
        <Box
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            setFilter({ action: action.trim(), since });
          }}
        >
          <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2, alignItems: { md: 'center' } }}>
            <TextField label="Action" placeholder="e.g. cert.revoked" value={action} onChange={(e) => setAction(e.target.value)} size="small" />
            <TextField label="Since (local time)" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} size="small" slotProps={{ inputLabel: { shrink: true } }} />
            <Button type="submit" variant="outlined">
              Apply filters
            </Button>
            <Button
              onClick={() => {
                setAction('');
                setSince('');
                setFilter({ action: '', since: '' });
              }}
            >
              Clear
            </Button>
          </Stack>
        </Box>
        {listError ? <ApiErrorAlert error={listError} title="The audit events could not be read" /> : null}
        {events ? (
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }} data-testid="audit-count" aria-live="polite">
            {events.length} event{events.length === 1 ? '' : 's'} shown, newest first ({total} in the log{events.length >= SHOWN ? `; the first ${SHOWN} matching — narrow with “Since”` : ''})
          </Typography>
        ) : null}
        <TableContainer sx={{ maxHeight: 'max(320px, calc(100vh - 460px))' }} tabIndex={0} aria-label="Audit events (scrollable)">
          <Table size="small" stickyHeader aria-label="Audit events">
            <TableHead>
              <TableRow>
                <TableCell>#</TableCell>
                <TableCell>When</TableCell>
                <TableCell>Actor</TableCell>
                <TableCell>Action</TableCell>
                <TableCell>Details</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {(events ?? []).map((e) => (
                <TableRow key={e.seq} data-testid="audit-row" selected={verification?.brokenAt !== null && verification?.brokenAt !== undefined && e.seq >= verification.brokenAt}>
                  <TableCell>{e.seq}</TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    <LocalDateTime iso={e.at} />
                  </TableCell>
                  <TableCell>
                    {shown(e.actor)}
                    {e.witnesses.length ? <Typography variant="caption" component="div">witnesses: {shown(e.witnesses.join(', '))}</Typography> : null}
                  </TableCell>
                  <TableCell>
                    <MonoText>{e.action}</MonoText>
                  </TableCell>
                  <TableCell sx={{ wordBreak: 'break-word', fontSize: '0.8rem' }}>{detailsText(e.details)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      </Paper>
      <Paper variant="outlined" component="section" aria-labelledby="audit-export-heading" sx={{ p: 2 }}>
        <Typography id="audit-export-heading" variant="h6" component="h2" gutterBottom>
          Export
        </Typography>
        <Typography variant="body2" color="text.secondary" gutterBottom>
          Writes every event (JSON lines, with their hashes) to a new file; an existing file is never overwritten. The export itself is recorded as an event.
        </Typography>
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: { md: 'center' } }}>
          <TextField label="Export to file (full path)" value={out} onChange={(e) => setOut(e.target.value)} size="small" sx={{ flexGrow: 1 }} />
          <Button variant="contained" disabled={!out.trim() || exporting} onClick={() => void doExport()}>
            Export audit log
          </Button>
        </Stack>
        <Box sx={{ mt: 2 }}>
          {exportError ? <ApiErrorAlert error={exportError} title="The audit log was not exported" /> : null}
          {exported ? (
            <Alert severity="success" data-testid="audit-exported">
              Wrote {exported.events} events to <MonoText>{exported.file}</MonoText>
            </Alert>
          ) : null}
        </Box>
      </Paper>
    </Box>
  );
}
