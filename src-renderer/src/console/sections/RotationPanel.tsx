import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { FleetStatus, KeyFleetStatus, KeyView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { StateChip } from '../../components/StateChip.tsx';
import { shown } from '../../components/shown.ts';
import { useAppStore } from '../../store/index.ts';

function Meter({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Box>
      <Typography variant="body2" id={`${testId}-label`}>
        {label}
      </Typography>
      <LinearProgress variant="determinate" value={Math.max(0, Math.min(100, value))} aria-labelledby={`${testId}-label`} data-testid={testId} sx={{ height: 8, borderRadius: 1, mt: 0.5 }} />
    </Box>
  );
}

function Verdict({ what, safe }: { what: string; safe: boolean }) {
  // A word on the chip, never colour alone.
  return <Chip size="small" variant={safe ? 'filled' : 'outlined'} color={safe ? 'success' : 'default'} label={`${what}: ${safe ? 'safe now' : 'not yet'}`} />;
}

/** Agents trusting the key, cumulative per day of their receipts, as a row of bars with the percent written out. */
function TrustChart({ k, agents }: { k: KeyFleetStatus; agents: number }) {
  if (k.trustingPerDay.length === 0) return <Typography variant="body2" color="text.secondary">No receipts name a bundle with this key yet.</Typography>;
  const rows = k.trustingPerDay.reduce<Array<{ day: string; total: number; percent: number }>>((acc, d) => {
    const total = (acc.at(-1)?.total ?? 0) + d.agents;
    return [...acc, { day: d.day, total, percent: agents === 0 ? 100 : Math.min(100, Math.floor((total * 1000) / agents) / 10) }];
  }, []);
  return (
    <Box component="table" sx={{ borderCollapse: 'collapse', width: '100%' }} aria-label={`Agents trusting ${shown(k.name)} per day`} data-testid="trust-chart">
      <Box component="thead" sx={{ position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>
        <tr>
          <th scope="col">Day</th>
          <th scope="col">Agents trusting it</th>
        </tr>
      </Box>
      <tbody>
        {rows.map((r) => (
          <tr key={r.day}>
            <Box component="td" sx={{ pr: 1, whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums', typography: 'body2' }}>
              {r.day}
            </Box>
            <Box component="td" sx={{ width: '100%' }}>
              <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                <Box sx={{ height: 10, width: `${r.percent}%`, minWidth: 2, bgcolor: 'primary.main', borderRadius: 0.5 }} />
                <Typography variant="body2">{r.percent}%</Typography>
              </Box>
            </Box>
          </tr>
        ))}
      </tbody>
    </Box>
  );
}

function KeyRotation({ k, s }: { k: KeyFleetStatus; s: FleetStatus }) {
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="rotation-key">
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1 }}>
        <Typography sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>{shown(k.name)}</Typography>
        <StateChip state={k.state} />
        {k.safeToActivate !== null ? <Verdict what="Activate" safe={k.safeToActivate} /> : null}
        {k.safeToRetire !== null ? <Verdict what="Retire" safe={k.safeToRetire} /> : null}
      </Stack>
      <Stack spacing={1.5}>
        <Meter label={`Trusted by ${k.trusting} of ${s.agents} known agents (${k.trustingPercent}%)${k.state === 'staged' ? `; activation needs ${s.threshold}%` : ''}`} value={k.trustingPercent} testId={`trusting-${k.keyId}`} />
        {k.state === 'trusted' ? (
          <Meter
            label={`${k.remaining} of ${k.liveLeaves} live certificates remain (${k.superseded} superseded)${k.daysLeft !== null ? `; ${k.daysLeft} day${k.daysLeft === 1 ? '' : 's'} left in its window` : ''}`}
            value={k.liveLeaves === 0 ? 100 : (k.superseded * 100) / k.liveLeaves}
            testId={`superseded-${k.keyId}`}
          />
        ) : null}
        <TrustChart k={k} agents={s.agents} />
      </Stack>
    </Paper>
  );
}

/**
 * The rotation in progress (docs/cli.md, "fleet status"): for every staged and trusted key, how
 * much of the fleet trusts it, what it still leaves behind, and whether activating or retiring
 * it is safe now. Read again whenever the keys change.
 */
export function RotationPanel({ keys }: { keys: KeyView[] | null }) {
  const openWizard = useAppStore((s) => s.openWizard);
  const [status, setStatus] = useState<FleetStatus | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const rotating = (keys ?? []).some((k) => k.state === 'staged' || k.state === 'trusted');

  useEffect(() => {
    if (!rotating) return;
    let live = true;
    void call('fleet.status', {}).then((r) => {
      if (!live) return;
      if (r.ok) {
        setStatus(r.value);
        setError(null);
      } else setError(r);
    });
    return () => {
      live = false;
    };
  }, [keys, rotating]);

  if (!rotating) return null;
  const shownKeys = status?.keys.filter((k) => k.state === 'staged' || k.state === 'trusted') ?? [];
  return (
    <Box component="section" aria-labelledby="dash-rotation" data-testid="rotation-panel">
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap', gap: 1, mb: 1 }}>
        <Typography id="dash-rotation" variant="h6" component="h2">
          Rotation
        </Typography>
        <Button variant="outlined" onClick={() => openWizard('receipts')}>
          Import receipts…
        </Button>
      </Stack>
      {error ? <ApiErrorAlert error={error} title="The fleet status could not be read" /> : null}
      {status ? (
        <Stack spacing={1}>
          <Typography variant="body2" color="text.secondary">
            {status.agents} known agent{status.agents === 1 ? '' : 's'}, {status.receipts} receipt{status.receipts === 1 ? '' : 's'} imported
            {status.bundle ? `; bundle version ${status.bundle.version}` : '; no bundle written yet'}.
          </Typography>
          {status.receipts === 0 ? <Alert severity="info">No receipts imported yet: the fleet's trust in a staged key is known only from the receipts agents send back.</Alert> : null}
          {shownKeys.map((k) => (
            <KeyRotation key={k.keyId} k={k} s={status} />
          ))}
        </Stack>
      ) : null}
    </Box>
  );
}
