import AddIcon from '@mui/icons-material/Add';
import CloseIcon from '@mui/icons-material/Close';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { namedWitnesses, shareHolders } from '../../../store/emergency-slice.ts';
import { useAppStore } from '../../../store/index.ts';
import { CeremonyStep, useEmergencyWizard } from './CeremonyStep.tsx';
import { WitnessSharesPanel, witnessSharesMissing } from './WitnessSharesPanel.tsx';

/** Who is in the room: the officer (the session's actor) and at least one witness by name. */
export function ParticipantsStep() {
  const c = useAppStore((s) => s.emergency);
  const patch = useAppStore((s) => s.patchEmergency);
  const log = useAppStore((s) => s.logEmergency);
  const { go } = useEmergencyWizard();
  const named = namedWitnesses(c);
  const threshold = useAppStore((s) => s.status?.quorumThreshold ?? null);
  const sharesMissing = witnessSharesMissing(c, threshold);
  const setWitness = (i: number, v: string) => patch({ witnesses: c.witnesses.map((w, j) => (j === i ? v : w)) });
  const onNext = () => {
    const shares = c.useWitnessShares && c.witnessShares ? `; custodian shares ${shareHolders(c.witnessShares.shares)}` : '';
    log('participants', c.officer ?? '', `officer ${c.officer ?? ''}; witness${named.length === 1 ? '' : 'es'} ${named.join(', ')}${shares}`);
    go('checklist');
  };
  return (
    <CeremonyStep
      action={{
        label: 'Next: checklist',
        onClick: onNext,
        disabledReason: named.length === 0 ? 'Name at least one witness to continue.' : sharesMissing > 0 ? `${sharesMissing} more custodian share${sharesMissing === 1 ? '' : 's'} to present.` : null,
      }}
    >
      <TextField label="Officer (signed in)" value={c.officer ?? ''} slotProps={{ input: { readOnly: true } }} helperText="The officer who unlocked the vault leads the ceremony and is named in the audit log." />
      <Typography variant="subtitle1" component="h3">
        Witnesses
      </Typography>
      <Typography variant="body2" color="text.secondary">
        Each witness watches the ceremony and is named in the audit log with the activation and the transcript.
      </Typography>
      {c.witnesses.map((w, i) => (
        <Stack key={i} direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <TextField label={`Witness ${i + 1} name`} value={w} onChange={(e) => setWitness(i, e.target.value)} sx={{ flexGrow: 1 }} autoComplete="off" />
          {c.witnesses.length > 1 ? (
            <IconButton aria-label={`Remove witness ${i + 1}`} onClick={() => patch({ witnesses: c.witnesses.filter((_, j) => j !== i) })}>
              <CloseIcon />
            </IconButton>
          ) : null}
        </Stack>
      ))}
      <div>
        <Button startIcon={<AddIcon />} onClick={() => patch({ witnesses: [...c.witnesses, ''] })} disabled={c.witnesses.length >= 20}>
          Add another witness
        </Button>
      </div>
      <WitnessSharesPanel />
    </CeremonyStep>
  );
}
