import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import KeyboardArrowDownIcon from '@mui/icons-material/KeyboardArrowDown';
import KeyboardArrowRightIcon from '@mui/icons-material/KeyboardArrowRight';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
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
import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import type { AuditEventView, AuditVerificationView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { CopyTextButton } from '../../components/CopyTextButton.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { shown } from '../../components/shown.ts';
import { MONO_FONT } from '../../theme.ts';

const SHOWN = 2000;

/** The details on one line, read at a glance ("serial 1A2B · reason keyCompromise"); the row's JSON has them in full. JSON escapes C0 but leaves bidi and zero-width characters: the whole line goes through shown(). */
export function detailsText(d: Record<string, unknown>): string {
  return shown(
    Object.entries(d)
      .map(([k, v]) => `${k} ${typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x !== 'object') ? v.join(', ') : JSON.stringify(v)}`)
      .join(' · '),
  );
}

/** One event as JSON, the way the export writes it, indented; each line through shown() like every text from the vault (JSON has escaped the newlines inside strings already). */
function eventJson(e: AuditEventView): string {
  return JSON.stringify(e, null, 2)
    .split('\n')
    .map((line) => shown(line))
    .join('\n');
}

const MONTHS = Array.from({ length: 12 }, (_, m) => new Intl.DateTimeFormat(undefined, { month: 'short' }).format(new Date(2000, m, 1)));
/** The order the officer's locale writes a date in (day month year, month day year, …): the picker's three fields follow it, as the log's dates do. */
const DATE_ORDER = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
  .formatToParts(new Date(2000, 0, 2))
  .map((p) => p.type)
  .filter((t): t is 'day' | 'month' | 'year' => t === 'day' || t === 'month' || t === 'year');

/** A day of the log: "since" is its start, local time. */
export interface SinceDay {
  year: number;
  month: number;
  day: number;
}

/** The start of the day, local time, as the api's ISO instant; a day past the month's end (31 Feb) is its last day. */
export function sinceIso(d: SinceDay): string {
  const last = new Date(d.year, d.month + 1, 0).getDate();
  return new Date(d.year, d.month, Math.min(d.day, last)).toISOString();
}

/**
 * The "Since" picker: day, month and year as three lists in the locale's
 * order, so the date reads as the log's dates do ("1 Dec 2026"), not as a
 * browser's mm/dd/yyyy field. Empty is "any time".
 */
function SincePicker({ value, years, onChange }: { value: SinceDay | null; years: number[]; onChange: (v: SinceDay | null) => void }) {
  const today = new Date();
  const base = value ?? { year: today.getFullYear(), month: today.getMonth(), day: today.getDate() };
  const fields = {
    day: (
      <TextField key="day" select size="small" label="Day" value={value ? String(value.day) : ''} onChange={(e) => onChange({ ...base, day: Number(e.target.value) })} sx={{ width: 80 }}>
        {Array.from({ length: 31 }, (_, i) => (
          <MenuItem key={i + 1} value={String(i + 1)}>
            {i + 1}
          </MenuItem>
        ))}
      </TextField>
    ),
    month: (
      <TextField key="month" select size="small" label="Month" value={value ? String(value.month) : ''} onChange={(e) => onChange({ ...base, month: Number(e.target.value) })} sx={{ width: 100 }}>
        {MONTHS.map((m, i) => (
          <MenuItem key={m} value={String(i)}>
            {m}
          </MenuItem>
        ))}
      </TextField>
    ),
    year: (
      <TextField key="year" select size="small" label="Year" value={value ? String(value.year) : ''} onChange={(e) => onChange({ ...base, year: Number(e.target.value) })} sx={{ width: 100 }}>
        {years.map((y) => (
          <MenuItem key={y} value={String(y)}>
            {y}
          </MenuItem>
        ))}
      </TextField>
    ),
  };
  return (
    <Stack direction="row" spacing={1} role="group" aria-label="Since (local time, from the start of the day)" sx={{ alignItems: 'center' }}>
      <Typography variant="body2" sx={{ whiteSpace: 'nowrap' }}>
        Since
      </Typography>
      {DATE_ORDER.map((t) => fields[t])}
    </Stack>
  );
}

/** One event: a line read at a glance (when, who, the action whole, its details on one line); it opens to the event's JSON. */
function EventRow({ e, broken }: { e: AuditEventView; broken: boolean }) {
  const [open, setOpen] = useState(false);
  const jsonId = `audit-json-${e.seq}`;
  return (
    <Fragment>
      <TableRow data-testid="audit-row" selected={broken} sx={{ '& > td': { borderBottom: open ? 0 : undefined } }}>
        <TableCell padding="checkbox">
          <IconButton size="small" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls={open ? jsonId : undefined} aria-label={`Event ${e.seq}: ${open ? 'hide' : 'show'} its JSON`}>
            {open ? <KeyboardArrowDownIcon /> : <KeyboardArrowRightIcon />}
          </IconButton>
        </TableCell>
        <TableCell>{e.seq}</TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          <LocalDateTime iso={e.at} />
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          {shown(e.actor)}
          {e.witnesses.length ? <Typography variant="caption" component="div">witnesses: {shown(e.witnesses.join(', '))}</Typography> : null}
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }} data-testid="audit-action">
          <MonoText>{e.action}</MonoText>
        </TableCell>
        <TableCell sx={{ width: '100%', maxWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', fontSize: '0.8rem' }} title={detailsText(e.details)}>
          {detailsText(e.details)}
        </TableCell>
      </TableRow>
      {open ? (
        <TableRow data-testid="audit-json-row">
          <TableCell colSpan={6} sx={{ pt: 0 }}>
            <Box component="pre" id={jsonId} data-testid="audit-json" sx={{ m: 0, p: 1.5, bgcolor: 'action.hover', borderRadius: 1, fontFamily: MONO_FONT, fontSize: '0.8rem', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {eventJson(e)}
            </Box>
          </TableCell>
        </TableRow>
      ) : null}
    </Fragment>
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
  const [actions, setActions] = useState<string[]>([]);
  const [action, setAction] = useState('');
  const [since, setSince] = useState<SinceDay | null>(null);
  const [filter, setFilter] = useState<{ action: string; since: SinceDay | null }>({ action: '', since: null });
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

  // The actions the log holds, from the vault: the filter chooses among them (asked again after an export adds its own).
  useEffect(() => {
    void call('audit.actions', {}).then((r) => (r.ok ? setActions(r.value.actions) : setListError(r)));
  }, [exported]);

  useEffect(() => {
    void call('audit.list', { limit: SHOWN, ...(filter.action ? { action: filter.action } : {}), ...(filter.since ? { since: sinceIso(filter.since) } : {}) }).then((r) => {
      if (r.ok) {
        setEvents([...r.value.events].reverse());
        setTotal(r.value.total);
        setListError(null);
      } else setListError(r);
    });
  }, [filter, exported]);

  // The years the picker offers: from the oldest event shown (or a chosen year) to this year.
  const years = useMemo(() => {
    const now = new Date().getFullYear();
    const seen = (events ?? []).map((e) => new Date(e.at).getFullYear()).filter((y) => !Number.isNaN(y));
    const from = Math.min(now, ...seen, ...(since ? [since.year] : []));
    const to = Math.max(now, ...seen);
    return Array.from({ length: to - from + 1 }, (_, i) => to - i);
  }, [events, since]);

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

  const brokenAt = verification?.brokenAt ?? null;
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
            setFilter({ action, since });
          }}
        >
          <Stack direction="row" useFlexGap spacing={2} sx={{ mb: 2, alignItems: 'center', flexWrap: 'wrap' }}>
            <TextField select label="Action" value={action} onChange={(e) => setAction(e.target.value)} size="small" sx={{ minWidth: 240 }} slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}>
              <MenuItem value="">
                <em>Every action</em>
              </MenuItem>
              {actions.map((a) => (
                <MenuItem key={a} value={a} sx={{ fontFamily: MONO_FONT }}>
                  {shown(a)}
                </MenuItem>
              ))}
            </TextField>
            <SincePicker value={since} years={years} onChange={setSince} />
            <Button type="submit" variant="outlined">
              Apply filters
            </Button>
            <Button
              onClick={() => {
                setAction('');
                setSince(null);
                setFilter({ action: '', since: null });
              }}
            >
              Clear
            </Button>
          </Stack>
        </Box>
        {listError ? <ApiErrorAlert error={listError} title="The audit events could not be read" /> : null}
        {events ? (
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }} data-testid="audit-count" aria-live="polite">
            {events.length} event{events.length === 1 ? '' : 's'} shown, newest first ({total} in the log{events.length >= SHOWN ? `; the first ${SHOWN} matching — narrow with “Since”` : ''}). Open a row for its JSON.
          </Typography>
        ) : null}
        <TableContainer sx={{ maxHeight: 'max(320px, calc(100vh - 460px))' }} tabIndex={0} aria-label="Audit events (scrollable)">
          <Table size="small" stickyHeader aria-label="Audit events">
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox">
                  <Box component="span" sx={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>
                    JSON
                  </Box>
                </TableCell>
                <TableCell>#</TableCell>
                <TableCell>When</TableCell>
                <TableCell>Actor</TableCell>
                <TableCell>Action</TableCell>
                <TableCell>Details</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {(events ?? []).map((e) => (
                <EventRow key={e.seq} e={e} broken={brokenAt !== null && e.seq >= brokenAt} />
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
