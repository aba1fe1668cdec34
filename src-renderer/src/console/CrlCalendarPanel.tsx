import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { CrlCalendarEntry, CrlCalendarView } from '../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../api.ts';
import { ApiErrorAlert } from '../components/ApiErrorAlert.tsx';
import { KeyName } from '../components/KeyIdChip.tsx';
import { LocalDateTime } from '../components/LocalDateTime.tsx';
import { shown } from '../components/shown.ts';
import { useAppStore } from '../store/index.ts';
import { MessageText } from '../components/MessageText.tsx';

const DAY_MS = 86_400_000;

/**
 * The CRL calendar (`crl.calendar`), asked again whenever the keys change or a wizard closes: a
 * revocation makes pre-signed CRLs stale, an export signs them again.
 */
export function useCrlCalendar(): { calendar: CrlCalendarView | null; error: ApiFailure | null } {
  const keys = useAppStore((s) => s.keys);
  const wizard = useAppStore((s) => s.wizard);
  const [calendar, setCalendar] = useState<CrlCalendarView | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  useEffect(() => {
    if (wizard !== null) return;
    void call('crl.calendar', {}).then((r) => {
      if (r.ok) {
        setCalendar(r.value);
        setError(null);
      } else setError(r);
    });
  }, [keys, wizard]);
  return { calendar, error };
}

/** One alert per key whose pre-signed CRLs are stale, with the way out: export again. */
export function StalePresignedAlerts({ calendar }: { calendar: CrlCalendarView | null }) {
  const openWizard = useAppStore((s) => s.openWizard);
  const stale = calendar?.entries.filter((e) => e.scheduled?.stale) ?? [];
  return (
    <>
      {stale.map((e) => (
        <Alert
          key={`stale-${e.keyId}`}
          severity="error"
          data-testid="presigned-stale-alert"
          action={
            <Button color="inherit" variant="outlined" size="small" onClick={() => openWizard('export')} sx={{ whiteSpace: 'nowrap', alignSelf: 'center' }}>
              Export…
            </Button>
          }
        >
          <AlertTitle>Pre-signed CRLs of {shown(e.keyName)} are stale</AlertTitle>
          CA {shown(e.ca)}, key <KeyName id={e.keyId} name={e.keyName} />: <MessageText text={e.scheduled!.staleMessage} />
        </Alert>
      ))}
    </>
  );
}

const STATUS_TEXT: Record<CrlCalendarEntry['status'], string> = { none: 'never published', ok: 'on time', due: 'ceremony due', expired: 'CRL expired' };
// Colours that keep AA contrast in both themes (MUI's warning chips and the dark theme's filled error do not).
const ALARM = { color: 'error', variant: 'filled', sx: { bgcolor: 'error.dark', color: 'common.white' } } as const;
const STATUS_LOOK: Record<CrlCalendarEntry['status'], { color: 'success' | 'error'; variant: 'filled' | 'outlined'; sx?: { bgcolor: string; color: string } }> = {
  none: { color: 'error', variant: 'outlined' },
  ok: { color: 'success', variant: 'filled' },
  due: { color: 'error', variant: 'outlined' },
  expired: ALARM,
};

/** Where a time falls on the axis, in percent (clamped to it). */
function place(iso: string, from: number, span: number): number {
  return Math.min(100, Math.max(0, ((new Date(iso).getTime() - from) / span) * 100));
}

/** A window on the axis; `lane` 0 (upper) for the current CRL, 1 (lower) for pre-signed ones, so their overlap shows. */
function Bar({ from, to, axis, color, striped, label, lane }: { from: string; to: string; axis: { from: number; span: number }; color: string; striped?: boolean; label: string; lane: 0 | 1 }) {
  const left = place(from, axis.from, axis.span);
  const right = place(to, axis.from, axis.span);
  if (right <= left) return null;
  return (
    <Box
      data-testid={label}
      sx={{
        position: 'absolute',
        top: lane === 0 ? 3 : 14,
        height: 8,
        left: `${left}%`,
        width: `${right - left}%`,
        borderRadius: 1,
        bgcolor: striped ? 'transparent' : color,
        border: 1,
        borderColor: color,
        ...(striped ? { backgroundImage: (t) => `repeating-linear-gradient(45deg, ${t.palette.error.main} 0 4px, transparent 4px 8px)` } : {}),
      }}
    />
  );
}

function TimelineRow({ e, axis, now }: { e: CrlCalendarEntry; axis: { from: number; span: number }; now: string }) {
  const s = e.scheduled;
  return (
    <Box component="li" data-testid="crl-timeline-row" sx={{ listStyle: 'none', py: 1, borderTop: 1, borderColor: 'divider' }}>
      <Stack direction="row" sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2" component="span" sx={{ fontWeight: 600 }}>
          {shown(e.ca)}
        </Typography>
        <Typography variant="body2" component="span">
          <KeyName id={e.keyId} name={e.keyName} />
        </Typography>
        <Chip size="small" variant="outlined" label={e.state === 'retired' ? `retired, ${e.liveRevocations ?? 0} live revocations` : e.state} />
        <Chip size="small" {...STATUS_LOOK[e.status]} label={STATUS_TEXT[e.status]} />
        {s?.stale ? <Chip size="small" {...ALARM} label="pre-signed CRLs stale" /> : null}
      </Stack>
      <Typography variant="body2" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
        {e.lastCrl ? (
          <>
            CRL {e.lastCrl.number} until <LocalDateTime iso={e.lastCrl.nextUpdate} />
          </>
        ) : (
          'No CRL yet'
        )}
        {s ? (
          <>
            {' · '}
            {s.count} pre-signed ({s.firstNumber}–{s.lastNumber}) until <LocalDateTime iso={s.until} />
            {s.stale ? ' — stale' : ''}
          </>
        ) : null}
        {' · '}
        <Box component="span" sx={{ color: e.status === 'ok' ? 'text.primary' : 'error.main', fontWeight: 600 }} data-testid="crl-ceremony-by">
          Ceremony by <LocalDateTime iso={e.ceremonyBy} />
        </Box>
      </Typography>
      {/* The bars repeat the dates above as a picture; the text carries the facts for every reader. */}
      <Box aria-hidden sx={{ position: 'relative', height: 24, mt: 0.5, bgcolor: 'action.hover', borderRadius: 1 }}>
        {e.lastCrl ? <Bar from={e.lastCrl.thisUpdate} to={e.lastCrl.nextUpdate} axis={axis} color="primary.main" label="crl-bar-current" lane={0} /> : null}
        {s ? <Bar from={s.from} to={s.until} axis={axis} color={s.stale ? 'error.main' : 'success.main'} striped={s.stale} label="crl-bar-presigned" lane={1} /> : null}
        <Box sx={{ position: 'absolute', top: 0, bottom: 0, left: `${place(e.ceremonyBy, axis.from, axis.span)}%`, width: 3, bgcolor: 'warning.main' }} />
        <Box sx={{ position: 'absolute', top: 0, bottom: 0, left: `${place(now, axis.from, axis.span)}%`, width: 2, bgcolor: 'text.primary' }} />
      </Box>
    </Box>
  );
}

/** Every issuer that must publish, on one time axis: current CRL, pre-signed CRLs, the ceremony deadline and now. */
export function CrlTimeline({ calendar, error }: { calendar: CrlCalendarView | null; error: ApiFailure | null }) {
  if (error) return <ApiErrorAlert error={error} title="The CRL calendar could not be read" />;
  if (!calendar) return null;
  const now = calendar.generatedAt;
  const times = calendar.entries.flatMap((e) => [e.lastCrl?.thisUpdate, e.lastCrl?.nextUpdate, e.scheduled?.until, e.ceremonyBy]).filter((x): x is string => Boolean(x)).map((x) => new Date(x).getTime());
  const nowMs = new Date(now).getTime();
  // From a little before now to the last date shown, at least two weeks wide.
  const from = Math.min(nowMs - DAY_MS, ...times);
  const to = Math.max(nowMs + 14 * DAY_MS, ...times);
  const axis = { from, span: to - from };
  return (
    <Box component="section" aria-labelledby="dash-crl-calendar">
      <Typography id="dash-crl-calendar" variant="h6" component="h2" gutterBottom>
        CRL calendar
      </Typography>
      <Paper variant="outlined" sx={{ p: 2 }} data-testid="crl-timeline">
        <Typography variant="body2" sx={{ mb: 1 }}>
          The next ceremony must publish each key&apos;s CRL {calendar.marginDays} days (the safety margin) before relying parties run out of valid CRLs.
        </Typography>
        {calendar.entries.length === 0 ? <Typography color="text.secondary">No key must publish a CRL.</Typography> : null}
        <Box component="ul" sx={{ m: 0, p: 0 }}>
          {calendar.entries.map((e) => (
            <TimelineRow key={e.keyId} e={e} axis={axis} now={now} />
          ))}
        </Box>
        <Stack direction="row" sx={{ gap: 2, mt: 1, flexWrap: 'wrap' }} aria-hidden>
          {[
            ['primary.main', 'current CRL'],
            ['success.main', 'pre-signed'],
            ['error.main', 'pre-signed, stale'],
            ['warning.main', 'ceremony deadline'],
            ['text.primary', 'now'],
          ].map(([color, text]) => (
            <Stack key={text} direction="row" sx={{ gap: 0.5, alignItems: 'center' }}>
              <Box sx={{ width: 14, height: 10, bgcolor: color, borderRadius: 0.5 }} />
              <Typography variant="caption">{text}</Typography>
            </Stack>
          ))}
        </Stack>
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
          From <LocalDateTime iso={new Date(from).toISOString()} /> to <LocalDateTime iso={new Date(to).toISOString()} />.
        </Typography>
      </Paper>
    </Box>
  );
}
