import { KeyWhere } from '../keys/KeyWhere.tsx';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useState, type ReactNode } from 'react';
import type { AuditVerificationView, CompromiseView, KeyView, LastExportView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { KeyIdChip, KeyName } from '../../components/KeyIdChip.tsx';
import { LocalDateTime, ValidUntil } from '../../components/LocalDateTime.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { StateChip } from '../../components/StateChip.tsx';
import { useAppStore } from '../../store/index.ts';
import { timeLeftText } from '../key-time.ts';
import { shown } from '../../components/shown.ts';
import { officerLine } from '../../components/officer-words.ts';
import { RotationPanel } from './RotationPanel.tsx';
import { CaOverview } from '../cas/CaOverview.tsx';
import { CrlTimeline, StalePresignedAlerts, useCrlCalendar } from '../CrlCalendarPanel.tsx';
import { CirculationAlerts, CirculationPanel, useCirculationAtRisk } from '../CirculationPanel.tsx';

/** Within this many days before NotAfter a key (or its chain) is flagged on the dashboard. */
const EXPIRY_WARNING_DAYS = 90;

interface DashAlert {
  id: string;
  severity: 'error' | 'warning' | 'info';
  title: string;
  text: ReactNode;
}

const RANK: Record<DashAlert['severity'], number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then information; in each, the order they were found in (a stable sort). */
export function bySeverity<T extends { severity: DashAlert['severity'] }>(alerts: readonly T[]): T[] {
  return [...alerts].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

function alertsFor(keys: KeyView[], audit: AuditVerificationView | null): DashAlert[] {
  const out: DashAlert[] = [];
  if (audit && !audit.ok) {
    out.push({ id: 'audit', severity: 'error', title: 'The audit chain is broken', text: `Event ${audit.brokenAt ?? '?'}: ${audit.reason === null ? 'the chain does not verify' : shown(audit.reason)}. Stop and investigate before any ceremony; open the Audit log for details.` });
  }
  if (!keys.some((k) => k.state === 'active')) {
    out.push({ id: 'no-active', severity: 'warning', title: 'No active signing key', text: 'Nothing can be issued and no CRL can be signed. Create a sub-CA key or a standalone root and activate it.' });
  }
  for (const k of keys) {
    if (k.state !== 'active' && k.state !== 'trusted') continue;
    if (k.crl.status === 'expired') out.push({ id: `crl-${k.id}`, severity: 'error', title: `CRL of ${shown(k.name)} has expired`, text: <>Its next update was due <LocalDateTime iso={k.crl.nextUpdate ?? ''} />. Export to removable media now: the export signs a fresh CRL.</> });
    else if (k.crl.status === 'due') out.push({ id: `crl-${k.id}`, severity: 'warning', title: `CRL of ${shown(k.name)} is due`, text: <>Its next update is <LocalDateTime iso={k.crl.nextUpdate ?? ''} />. Export to removable media before then.</> });
    else if (k.crl.status === 'none' && k.state === 'active') out.push({ id: `crl-${k.id}`, severity: 'info', title: `No CRL published yet for ${shown(k.name)}`, text: 'Agents that check revocation need one: the next export to removable media signs and includes it.' });
    const days = k.health.daysToNotAfter;
    if (days !== null && days <= EXPIRY_WARNING_DAYS) {
      out.push({ id: `exp-${k.id}`, severity: days <= 14 ? 'error' : 'warning', title: `${shown(k.name)} expires in ${Math.max(0, Math.floor(days))} days`, text: 'Prepare its successor: create a new key and activate it before this one expires.' });
    }
    for (const [i, p] of k.health.problems.entries()) out.push({ id: `health-${k.id}-${i}`, severity: 'warning', title: `${shown(k.name)}: health check`, text: officerLine(shown(p)) });
  }
  for (const k of keys) {
    if (k.state === 'draft' && k.chainLength > 0) {
      out.push({ id: `draft-${k.id}`, severity: 'info', title: `${shown(k.name)} has its certificate but is not active yet`, text: 'Resume it below to review the chain and activate it.' });
    }
  }
  return bySeverity(out);
}

function KeyCard({ k, children }: { k: KeyView; children?: ReactNode }) {
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid={`key-card-${k.state}`} aria-label={`${k.state} key ${shown(k.name)}`} component="section">
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
          {shown(k.name)}
        </Typography>
        <StateChip state={k.state} compromised={k.retired?.reason === 'compromise'} />
        <KeyIdChip id={k.id} name={k.name} />
      </Stack>
      <Typography variant="body2" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
        {k.algorithm}
        {k.subject ? <> · {shown(k.subject)}</> : null}
        <ValidUntil iso={k.notAfter} />
      </Typography>
      {typeof children === 'string' ? shown(children) : children}
    </Paper>
  );
}

/**
 * The alarm after an emergency rotation that no export has carried yet: the agents in the field
 * still trust the compromised key. It stays until an export written (and verified) after the rotation.
 */
function CompromiseBanner({ c, onExport }: { c: CompromiseView; onExport: () => void }) {
  const r = c.key.retired;
  return (
    <Alert
      severity="error"
      variant="filled"
      data-testid="compromise-banner"
      action={
        <Button color="inherit" variant="outlined" onClick={onExport} sx={{ whiteSpace: 'nowrap', alignSelf: 'center' }}>
          Export now…
        </Button>
      }
    >
      <AlertTitle>Rotation not exported: agents still trust a compromised key</AlertTitle>
      <KeyName id={c.key.id} name={c.key.name} /> was retired for compromise{r ? <> on <LocalDateTime iso={r.at} /></> : null}
      {r?.by ? <> by {shown(r.by)}</> : null}; the rotation has not been exported: agents still trust it. Export now.
    </Alert>
  );
}

/**
 * The emergency actions, apart from the routine ceremonies: a red-edged area
 * with its own heading, so the rotation after a compromise is found at once
 * and never pressed for a routine one.
 */
function DangerArea({ onEmergency, caName }: { onEmergency: () => void; /** In a vault of several CAs: the CA whose key the rotation replaces. */ caName: string | null }) {
  return (
    <Box
      component="section"
      aria-labelledby="dash-danger"
      data-testid="danger-area"
      sx={{ display: 'flex', alignItems: 'center', gap: 1.5, px: 1.5, py: 0.75, border: 2, borderColor: 'error.main', borderRadius: 1 }}
    >
      <Typography
        id="dash-danger"
        variant="subtitle2"
        component="h2"
        sx={{ fontWeight: 700, ...(caName === null ? { whiteSpace: 'nowrap' } : { maxWidth: 260, overflowWrap: 'anywhere' }), color: (t) => (t.palette.mode === 'dark' ? '#ff8a80' : t.palette.error.dark) }}
      >
        {caName === null ? 'Key compromised?' : `Key of the CA ${shown(caName)} compromised?`}
      </Typography>
      <Button variant="outlined" color="error" onClick={onEmergency}>
        Emergency rotation…
      </Button>
    </Box>
  );
}

/** The CA at a glance: which key signs, which are still trusted, what needs the officer now. */
export function DashboardSection() {
  const keys = useAppStore((s) => s.keys);
  const keysError = useAppStore((s) => s.keysError);
  const loadKeys = useAppStore((s) => s.loadKeys);
  const openWizard = useAppStore((s) => s.openWizard);
  const [audit, setAudit] = useState<AuditVerificationView | null>(null);
  const [lastExport, setLastExport] = useState<LastExportView | null | undefined>(undefined);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [compromise, setCompromise] = useState<CompromiseView | null>(null);
  const wizard = useAppStore((s) => s.wizard);
  const cas = useAppStore((s) => s.cas);
  const caName = useAppStore((s) => s.caName);
  const several = cas !== null && cas.length > 1;

  useEffect(() => {
    void loadKeys();
    void call('audit.verify', {}).then((r) => (r.ok ? setAudit(r.value) : setError(r)));
  }, [loadKeys]);
  // Asked again whenever the keys change or a wizard closes: an emergency rotation raises the alarm, an export clears it.
  useEffect(() => {
    if (wizard !== null) return;
    void call('export.last', {}).then((r) => (r.ok ? setLastExport(r.value) : setError(r)));
    void call('key.compromise', {}).then((r) => (r.ok ? setCompromise(r.value) : setError(r)));
  }, [keys, wizard]);
  const pending = compromise && !compromise.exported ? compromise : null;
  const crlCalendar = useCrlCalendar();
  const staleCrls = crlCalendar.calendar?.staleSchedules ?? 0;
  const mediaAtRisk = useCirculationAtRisk();

  const list = keys ?? [];
  const active = list.find((k) => k.state === 'active') ?? null;
  const trusted = list.filter((k) => k.state === 'trusted');
  const drafts = list.filter((k) => k.state === 'draft');
  const retired = list.filter((k) => k.state === 'retired');
  const alerts = keys ? alertsFor(list, audit) : [];
  // What needs the officer now (errors, then warnings) above the active key; information below it, one line each.
  const urgent = alerts.filter((a) => a.severity !== 'info');
  const notes = alerts.filter((a) => a.severity === 'info');

  return (
    <Box sx={{ maxWidth: 1100 }}>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', gap: 2, flexWrap: 'wrap', mb: 2 }}>
        <Typography variant="h4" component="h1">
          Dashboard
        </Typography>
        <DangerArea onEmergency={() => openWizard('emergency')} caName={several ? caName : null} />
      </Stack>
      {several ? <CaOverview cas={cas} /> : null}
      {several ? (
        <Typography variant="h5" component="h2" gutterBottom data-testid="dashboard-ca">
          CA {shown(caName ?? '')}
        </Typography>
      ) : null}
      <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap', alignItems: 'center', mb: 3 }} role="group" aria-label="Ceremonies" data-testid="ceremonies">
          <Button variant="contained" onClick={() => openWizard('export')}>
            Export…
          </Button>
          <Button variant="outlined" onClick={() => openWizard('issue-media')}>
            Issue from media…
          </Button>
          <Button variant="outlined" onClick={() => openWizard('sub-ca')}>
            New sub-CA key…
          </Button>
          <Button variant="outlined" onClick={() => openWizard('root')}>
            New standalone root…
          </Button>
      </Stack>
      {keysError ? <ApiErrorAlert error={keysError} title="The signing keys could not be read" /> : null}
      {error ? <ApiErrorAlert error={error} title="Part of the dashboard could not be read" /> : null}

      <Stack spacing={1} sx={{ mb: 3 }} component="section" aria-label="Alerts" data-testid="dashboard-alerts">
        {pending ? <CompromiseBanner c={pending} onExport={() => openWizard('export')} /> : null}
        <CirculationAlerts />
        <StalePresignedAlerts calendar={crlCalendar.calendar} />
        {urgent.map((a) => (
          <Alert key={a.id} severity={a.severity} data-testid="dashboard-alert" data-severity={a.severity}>
            <AlertTitle>{a.title}</AlertTitle>
            {a.text}
          </Alert>
        ))}
        {keys && urgent.length === 0 && !pending && staleCrls === 0 && mediaAtRisk === 0 ? <Alert severity="success">{notes.length ? 'Nothing needs attention now.' : 'Nothing needs attention.'}</Alert> : null}
      </Stack>

      <Stack spacing={3}>
        <Box component="section" aria-labelledby="dash-active">
          <Typography id="dash-active" variant="h6" component="h2" gutterBottom>
            Active key
          </Typography>
          {active ? (
            <KeyCard k={active}>
              <Typography variant="body2" sx={{ mt: 1 }} data-testid="active-health">
                Health: {active.health.ok ? 'all checks pass' : officerLine(shown(active.health.problems.join('; ')))}
              </Typography>
              <Typography variant="body2" sx={{ mt: 0.5 }}>
                <KeyWhere k={active} testId="active-where" />
              </Typography>
            </KeyCard>
          ) : keys ? (
            <Typography color="text.secondary">No key is active.</Typography>
          ) : null}
        </Box>

        {notes.length ? (
          <Stack spacing={0.5} component="section" aria-label="Notes" data-testid="dashboard-notes">
            {notes.map((a) => (
              <Alert key={a.id} severity="info" data-testid="dashboard-alert" data-severity="info" sx={{ py: 0 }}>
                <strong>{a.title}.</strong> {a.text}
              </Alert>
            ))}
          </Stack>
        ) : null}

        <CrlTimeline calendar={crlCalendar.calendar} error={crlCalendar.error} />

        <Box component="section" aria-labelledby="dash-trusted">
          <Typography id="dash-trusted" variant="h6" component="h2" gutterBottom>
            Trusted keys (still in the trust bundle)
          </Typography>
          {trusted.length === 0 ? <Typography color="text.secondary">None.</Typography> : null}
          <Stack spacing={1}>
            {trusted.map((k) => (
              <KeyCard key={k.id} k={k}>
                {k.trustedUntil ? (
                  <Typography variant="body2" sx={{ mt: 1 }} data-testid="trusted-window">
                    Trusted until <LocalDateTime iso={k.trustedUntil} /> ({timeLeftText(k.trustedUntil)})
                  </Typography>
                ) : null}
              </KeyCard>
            ))}
          </Stack>
        </Box>

        <Box component="section" aria-labelledby="dash-drafts">
          <Typography id="dash-drafts" variant="h6" component="h2" gutterBottom>
            Drafts
          </Typography>
          {drafts.length === 0 ? <Typography color="text.secondary">None.</Typography> : null}
          <Stack spacing={1}>
            {drafts.map((k) => (
              <KeyCard key={k.id} k={k}>
                <Stack direction="row" spacing={2} sx={{ mt: 1, alignItems: 'center' }}>
                  <Typography variant="body2">
                    {k.chainLength > 0 ? (k.selfSigned ? 'Self-signed, waiting to be activated.' : 'Chain imported, waiting to be activated.') : 'Waiting for its signed chain from the corporate root.'}
                  </Typography>
                  <Button size="small" variant="outlined" onClick={() => openWizard(k.selfSigned ? 'root' : 'sub-ca', k.id)} aria-label={`Resume ${shown(k.name)}`}>
                    Resume
                  </Button>
                </Stack>
              </KeyCard>
            ))}
          </Stack>
        </Box>

        <RotationPanel keys={keys} />

        <CirculationPanel />

        <Box component="section" aria-labelledby="dash-export">
          <Typography id="dash-export" variant="h6" component="h2" gutterBottom>
            Last export
          </Typography>
          {lastExport === null ? <Typography color="text.secondary">Nothing has been exported from this vault yet.</Typography> : null}
          {lastExport ? (
            <Paper variant="outlined" sx={{ p: 2 }} data-testid="last-export">
              <Typography variant="body2">
                <LocalDateTime iso={lastExport.at} /> to <MonoText>{lastExport.medium}</MonoText> (folder <MonoText>{lastExport.folder}</MonoText>)
              </Typography>
              <Typography variant="body2" sx={{ mt: 0.5 }}>
                Manifest SHA-256: <MonoText>{lastExport.manifestSha256}</MonoText>
              </Typography>
            </Paper>
          ) : null}
        </Box>

        <Accordion disableGutters variant="outlined" slotProps={{ heading: { component: 'h2' } }}>
          <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-controls="dash-retired-content" id="dash-retired-header">
            <Typography>Retired keys ({retired.length})</Typography>
          </AccordionSummary>
          <AccordionDetails id="dash-retired-content">
            <Stack spacing={1}>
              {retired.length === 0 ? <Typography color="text.secondary">None.</Typography> : null}
              {retired.map((k) => (
                <KeyCard key={k.id} k={k}>
                  {k.retiredAt ? (
                    <Typography variant="body2" sx={{ mt: 1 }} color={k.retired?.reason === 'compromise' ? 'error' : undefined} data-testid="retired-line">
                      {k.retired?.reason === 'compromise' ? 'Retired for compromise' : 'Retired'} <LocalDateTime iso={k.retiredAt} />
                      {k.retired?.by ? <> by {shown(k.retired.by)}</> : null}
                    </Typography>
                  ) : null}
                </KeyCard>
              ))}
            </Stack>
          </AccordionDetails>
        </Accordion>
      </Stack>
    </Box>
  );
}
