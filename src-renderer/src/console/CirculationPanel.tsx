import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useState } from 'react';
import type { CirculationExportView, CirculationListView, KeyView } from '../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../api.ts';
import { ApiErrorAlert } from '../components/ApiErrorAlert.tsx';
import { KeyName } from '../components/KeyIdChip.tsx';
import { LocalDateTime } from '../components/LocalDateTime.tsx';
import { MonoText } from '../components/MonoText.tsx';
import { shown } from '../components/shown.ts';
import { useAppStore } from '../store/index.ts';

/**
 * What is out in the field (docs/architecture.md, "What is out in the field"): the packages written to media and
 * not yet collected or destroyed, the alarm when one still carries a compromised (red) or retired (amber) key, and
 * the rotation timeline of keys and exports.
 */

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

/** "1 Dec" in the officer's locale, the exact UTC time on hover. */
function Day({ iso }: { iso: string }) {
  const d = new Date(iso);
  return (
    <time dateTime={d.toISOString()} title={`${d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '')} UTC`}>
      {dayFormat.format(d)}
    </time>
  );
}

/** How the officer knows the medium: "stick FLEET-07", else where it was mounted. */
export function mediumName(e: CirculationExportView): string {
  const m = e.medium;
  if (m.label) return `stick ${m.label}`;
  if (m.device || m.fsType?.startsWith('fuse')) return `medium at ${m.path}`;
  return `folder ${m.path}`;
}

/** The circulation records (every one, collected too), read again whenever the keys change or a wizard closes. */
function useCirculation(): { list: CirculationListView | null; error: ApiFailure | null; reload: () => void } {
  const keys = useAppStore((s) => s.keys);
  const wizard = useAppStore((s) => s.wizard);
  const [list, setList] = useState<CirculationListView | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const reload = useCallback(() => {
    void call('export.list', { all: true }).then((r) => {
      if (r.ok) {
        setList(r.value);
        setError(null);
      } else setError(r);
    });
  }, []);
  useEffect(() => {
    if (wizard === null) reload();
  }, [keys, wizard, reload]);
  // The alerts and the panel each read the list: a change made in one is read again by both.
  useEffect(() => {
    changed.add(reload);
    return () => {
      changed.delete(reload);
    };
  }, [reload]);
  return { list, error, reload: () => changed.forEach((f) => f()) };
}

const changed = new Set<() => void>();

interface KeyAtRisk {
  keyId: string;
  keyName: string;
  caName: string;
  reason: 'compromise' | 'retired';
  media: CirculationExportView[];
}

function atRisk(list: CirculationListView | null): KeyAtRisk[] {
  const byKey = new Map<string, KeyAtRisk>();
  for (const e of list?.exports ?? []) {
    if (!e.out) continue;
    for (const u of e.untrustedKeys) {
      const k = byKey.get(u.keyId) ?? { keyId: u.keyId, keyName: u.keyName, caName: u.caName, reason: u.reason, media: [] };
      k.media.push(e);
      byKey.set(u.keyId, k);
    }
  }
  // Compromised first: they are the danger.
  return [...byKey.values()].sort((a, b) => (a.reason === b.reason ? 0 : a.reason === 'compromise' ? -1 : 1));
}

/** How many keys media in the field still trust although the vault retired them (the dashboard's "nothing needs attention" waits for 0). */
export function useCirculationAtRisk(): number {
  return atRisk(useCirculation().list).length;
}

/** The alarm, one alert per key still trusted by media in the field: red for a compromised key, amber for a retired one. */
export function CirculationAlerts() {
  const { list } = useCirculation();
  return (
    <>
      {atRisk(list).map((k) => (
        <Alert key={k.keyId} severity={k.reason === 'compromise' ? 'error' : 'warning'} data-testid={`circulation-alert-${k.reason}`}>
          <AlertTitle>
            Media in circulation still trust {k.reason === 'compromise' ? 'compromised' : 'retired'} {shown(k.keyName)} (
            {k.media.map((e, i) => (
              <span key={e.id}>
                {i > 0 ? '; ' : null}
                export of <Day iso={e.at} />, {shown(mediumName(e))}
              </span>
            ))}
            )
          </AlertTitle>
          {k.reason === 'compromise'
            ? 'Whoever installs the trust bundle from these media trusts a compromised key. Get them back and mark them collected, or destroy them, under "Media in circulation" below.'
            : 'These media carry a key that has been retired. Collect them when you can, under "Media in circulation" below.'}
        </Alert>
      ))}
    </>
  );
}

/** Mounted afresh for each medium and action (keyed), so no error of an earlier one stays. */
function WithdrawDialog({ target, onClose, onDone }: { target: { e: CirculationExportView; how: 'collected' | 'destroyed' }; onClose: () => void; onDone: () => void }) {
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const { e, how } = target;
  const confirm = async () => {
    setBusy(true);
    const r = await call('export.collect', { id: e.id, how });
    setBusy(false);
    if (r.ok) onDone();
    else setError(r);
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby="withdraw-title">
      <DialogTitle id="withdraw-title">{how === 'destroyed' ? 'Mark the medium destroyed?' : 'Mark the medium collected?'}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Export {e.id} of <LocalDateTime iso={e.at} /> on {shown(mediumName(e))}.{' '}
          {how === 'destroyed' ? 'Say so only once the medium has been destroyed.' : 'Say so only once the medium is back in your hands.'} It then no longer counts as out in the field. This is recorded in the audit log and cannot be undone.
        </DialogContentText>
        {error ? <ApiErrorAlert error={error} title="Not marked" /> : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        {/* error.dark: white on the dark scheme's lighter error.main is below 4.5:1. */}
        <Button variant="contained" color={how === 'destroyed' ? 'error' : 'primary'} sx={how === 'destroyed' ? { bgcolor: 'error.dark' } : undefined} onClick={() => void confirm()} disabled={busy}>
          {how === 'destroyed' ? 'Mark destroyed' : 'Mark collected'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function MediumCard({ e, onWithdraw }: { e: CirculationExportView; onWithdraw: (how: 'collected' | 'destroyed') => void }) {
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid={`circulation-medium-${e.id}`} component="article" aria-label={`Export ${e.id} on ${mediumName(e)}`}>
      <Stack direction="row" sx={{ alignItems: 'center', flexWrap: 'wrap', gap: 1 }}>
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
          {shown(mediumName(e))}
        </Typography>
        {e.risk === 'compromised' ? <Chip size="small" color="error" label="Trusts a compromised key" /> : null}
        {e.risk === 'retired' ? <Chip size="small" color="warning" label="Trusts a retired key" /> : null}
        {e.kind === 'emergency' ? <Chip size="small" variant="outlined" label="Emergency files" /> : null}
        <Box sx={{ flexGrow: 1 }} />
        <Button size="small" variant="outlined" onClick={() => onWithdraw('collected')} aria-label={`Mark collected, export ${e.id}`}>
          Mark collected
        </Button>
        <Button size="small" variant="outlined" color="error" onClick={() => onWithdraw('destroyed')} aria-label={`Mark destroyed, export ${e.id}`}>
          Mark destroyed
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
        Export {e.id}, written <LocalDateTime iso={e.at} /> by {shown(e.actor)}
      </Typography>
      <Typography variant="body2" sx={{ mt: 0.5, overflowWrap: 'anywhere' }}>
        Label {e.medium.label ? shown(e.medium.label) : 'unknown'} · UUID {e.medium.uuid ? <MonoText>{e.medium.uuid}</MonoText> : 'unknown'} · serial {e.medium.serial ? <MonoText>{e.medium.serial}</MonoText> : 'unknown'}
      </Typography>
      {e.medium.note ? (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
          {shown(e.medium.note)}
        </Typography>
      ) : null}
      {e.cas.map((c) => (
        <Box key={c.caId} sx={{ mt: 0.5 }}>
          <Typography variant="body2" component="div">
            {shown(c.caName)}, bundle version {c.bundleVersion ?? 'unknown'}:{' '}
            {c.keys.map((k, i) => (
              <span key={k.id}>
                {i > 0 ? ', ' : null}
                <KeyName id={k.id} name={k.name} />
                {k.state === 'retired' ? (
                  <Typography component="span" variant="body2" color={k.retiredReason === 'compromise' ? 'error' : 'warning.main'} sx={{ fontWeight: 600 }}>
                    {k.retiredReason === 'compromise' ? ' compromised' : ' retired'}
                  </Typography>
                ) : null}
              </span>
            ))}
          </Typography>
        </Box>
      ))}
    </Paper>
  );
}

interface TimelineEntry {
  at: string;
  tone: 'error' | 'warning' | 'success' | 'info' | 'neutral';
  text: React.ReactNode;
  id: string;
}

function timeline(keys: KeyView[], list: CirculationListView | null): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const k of keys) {
    if (k.activatedAt) out.push({ id: `a-${k.id}`, at: k.activatedAt, tone: 'success', text: <>Activated <KeyName id={k.id} name={k.name} /></> });
    if (k.retiredAt) out.push({ id: `r-${k.id}`, at: k.retiredAt, tone: k.retired?.reason === 'compromise' ? 'error' : 'neutral', text: <>{k.retired?.reason === 'compromise' ? 'Retired for compromise' : 'Retired'} <KeyName id={k.id} name={k.name} /></> });
  }
  for (const e of list?.exports ?? []) {
    const bundles = e.cas.map((c) => `${c.caName} bundle v${c.bundleVersion ?? '?'}`).join(', ');
    const state = e.withdrawn ? ` — ${e.withdrawn}` : e.risk === 'compromised' ? ' — still out, trusts a compromised key' : e.risk === 'retired' ? ' — still out, trusts a retired key' : ' — out in the field';
    out.push({ id: `e-${e.id}`, at: e.at, tone: e.withdrawn ? 'neutral' : e.risk === 'compromised' ? 'error' : e.risk === 'retired' ? 'warning' : 'info', text: <>{e.kind === 'emergency' ? 'Emergency files' : 'Export'} {e.id} to {shown(mediumName(e))} ({shown(bundles)}){state}</> });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

const TONE: Record<TimelineEntry['tone'], string> = { error: 'error.main', warning: 'warning.main', success: 'success.main', info: 'info.main', neutral: 'text.disabled' };

/** The media out in the field with their actions, and the rotation timeline. */
export function CirculationPanel() {
  const { list, error, reload } = useCirculation();
  const keys = useAppStore((s) => s.keys) ?? [];
  const [target, setTarget] = useState<{ e: CirculationExportView; how: 'collected' | 'destroyed' } | null>(null);
  const out = (list?.exports ?? []).filter((e) => e.out);
  const events = timeline(keys, list);
  return (
    <Box component="section" aria-labelledby="dash-circulation" data-testid="circulation-panel">
      <Typography id="dash-circulation" variant="h6" component="h2" gutterBottom>
        Media in circulation
      </Typography>
      {error ? <ApiErrorAlert error={error} title="The exports could not be read" /> : null}
      {list && out.length === 0 ? <Typography color="text.secondary">No medium is out in the field.</Typography> : null}
      <Stack spacing={1}>
        {out.map((e) => (
          <MediumCard key={e.id} e={e} onWithdraw={(how) => setTarget({ e, how })} />
        ))}
      </Stack>
      {target ? (
        <WithdrawDialog
          key={`${target.e.id}-${target.how}`}
          target={target}
          onClose={() => setTarget(null)}
          onDone={() => {
            setTarget(null);
            reload();
          }}
        />
      ) : null}
      {events.length > 0 ? (
        <Box sx={{ mt: 2 }}>
          <Typography variant="subtitle1" component="h3" id="dash-rotation-timeline" sx={{ fontWeight: 600 }}>
            Rotation timeline
          </Typography>
          <Box component="ol" aria-labelledby="dash-rotation-timeline" data-testid="rotation-timeline" sx={{ listStyle: 'none', m: 0, p: 0, mt: 1, borderLeft: 2, borderColor: 'divider', ml: 1 }}>
            {events.map((ev) => (
              <Box component="li" key={ev.id} sx={{ position: 'relative', pl: 2, pb: 1.5 }} data-testid="timeline-entry">
                <Box aria-hidden sx={{ position: 'absolute', left: -7, top: 6, width: 12, height: 12, borderRadius: '50%', bgcolor: TONE[ev.tone] }} />
                <Typography variant="body2" color="text.secondary">
                  <LocalDateTime iso={ev.at} />
                </Typography>
                <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }}>
                  {ev.text}
                </Typography>
              </Box>
            ))}
          </Box>
        </Box>
      ) : null}
    </Box>
  );
}
