import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { CeremonyOutcome } from '../../../../../src-main/api/contract.ts';
import { EjectMedium, writtenCountText } from '../../../components/EjectMedium.tsx';
import { CopyTextButton } from '../../../components/CopyTextButton.tsx';
import { LocalDateTime } from '../../../components/LocalDateTime.tsx';
import { LocalTimeOfDay } from '../../../components/LocalTimeOfDay.tsx';
import { MonoText } from '../../../components/MonoText.tsx';
import { namedWitnesses, type EmergencyCeremony } from '../../../store/emergency-slice.ts';
import { useAppStore } from '../../../store/index.ts';
import { CeremonyStep } from './CeremonyStep.tsx';
import { shown } from '../../../components/shown.ts';

/** Activated but not exported is not over: agents keep trusting the compromised key until an export reaches them. */
export function ceremonyOutcome(c: EmergencyCeremony): CeremonyOutcome {
  if (c.activation) return c.verified?.ok === true ? 'completed' : 'incomplete';
  return c.log.some((l) => l.failed) ? 'failed' : 'abandoned';
}

const OUTCOME_TEXT: Record<CeremonyOutcome, string> = {
  completed: 'Completed: the new key is active',
  incomplete: 'Incomplete — not exported: the new key is active, but agents still trust the compromised key',
  failed: 'Failed: the old key is still active',
  abandoned: 'Stopped: the old key is still active',
};

/** Who, when, each step with its time; recorded as one audit event. */
export function TranscriptStep() {
  const c = useAppStore((s) => s.emergency);
  const record = useAppStore((s) => s.recordEmergency);
  const reset = useAppStore((s) => s.resetEmergency);
  const closeWizard = useAppStore((s) => s.closeWizard);
  const patch = useAppStore((s) => s.patchEmergency);
  const log = useAppStore((s) => s.logEmergency);
  const onEjected = () => {
    if (!c.recorded) log('medium ejected', c.officer ?? '', c.mediumPath ?? '');
    patch({ ejected: true });
  };
  const onFinish = () => {
    reset();
    closeWizard();
  };
  const outcome = ceremonyOutcome(c);
  const r = c.recorded;
  return (
    <CeremonyStep
      action={r ? { label: 'Finish', onClick: onFinish } : { label: 'Record the transcript in the audit log', onClick: () => void record(outcome) }}
    >
      {c.exported && c.mediumPath ? (
        <>
          <Typography variant="body2" data-testid="emergency-written">
            Package on the medium: {writtenCountText(c.exported.files, c.verified?.ok === true)}, in <MonoText>{c.exported.dir}</MonoText>
          </Typography>
          <EjectMedium path={c.mediumPath} ejected={c.ejected} onEjected={onEjected} />
        </>
      ) : null}
      <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: '160px 1fr', rowGap: 0.5 }}>
        <Typography component="dt" color="text.secondary">
          Officer
        </Typography>
        <Typography component="dd" sx={{ m: 0 }}>
          {shown(c.officer)}
        </Typography>
        <Typography component="dt" color="text.secondary">
          Witnesses
        </Typography>
        <Typography component="dd" sx={{ m: 0 }}>
          {shown(namedWitnesses(c).join(', '))}
        </Typography>
        <Typography component="dt" color="text.secondary">
          Started
        </Typography>
        <Typography component="dd" sx={{ m: 0 }}>
          {c.startedAt ? <LocalDateTime iso={c.startedAt} /> : null}
        </Typography>
        <Typography component="dt" color="text.secondary">
          Outcome
        </Typography>
        <Typography component="dd" sx={{ m: 0, ...(outcome === 'incomplete' ? { color: 'error.main', fontWeight: 600 } : {}) }} data-testid="ceremony-outcome">
          {OUTCOME_TEXT[outcome]}
        </Typography>
      </Box>
      <Table size="small" aria-label="Ceremony transcript">
        <TableHead>
          <TableRow>
            <TableCell scope="col">Time</TableCell>
            <TableCell scope="col">Step</TableCell>
            <TableCell scope="col">By</TableCell>
            <TableCell scope="col">Detail</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {c.log.map((l, i) => (
            <TableRow key={i} data-testid="transcript-row">
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                <LocalTimeOfDay iso={l.at} />
              </TableCell>
              <TableCell>
                {l.step} {l.failed ? <Chip size="small" color="error" label="Failed" /> : null}
              </TableCell>
              <TableCell>{shown(l.by)}</TableCell>
              <TableCell sx={{ overflowWrap: 'anywhere' }}>{shown(l.detail)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {r ? (
        <Alert severity="success" data-testid="transcript-recorded">
          <AlertTitle>Recorded as audit event #{r.seq}</AlertTitle>
          <Typography variant="body2" component="div">
            Event hash <MonoText testId="transcript-hash">{r.hash}</MonoText> <CopyTextButton text={r.hash} label="Copy the event hash" />
          </Typography>
          <Typography variant="body2">
            at <LocalDateTime iso={r.at} />
          </Typography>
          <Typography variant="body2" data-testid="transcript-head-note">
            This is now the vault&apos;s audit head. Witnesses: write down event #{r.seq} and its hash; a vault whose chain no longer contains it has been rolled back
            (&quot;airgap-ca audit verify&quot; against a package exported after this ceremony shows it).
          </Typography>
        </Alert>
      ) : null}
    </CeremonyStep>
  );
}
