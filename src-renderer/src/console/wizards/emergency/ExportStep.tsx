import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MediumView } from '../../../../../src-main/api/contract.ts';
import { writtenCountText } from '../../../components/EjectMedium.tsx';
import { CopyTextButton } from '../../../components/CopyTextButton.tsx';
import { MonoText } from '../../../components/MonoText.tsx';
import { OperationProgress } from '../../../components/OperationProgress.tsx';
import { useAppStore } from '../../../store/index.ts';
import { StepRefusal } from '../WizardFrame.tsx';
import { CeremonyStep, useEmergencyWizard } from './CeremonyStep.tsx';
import { shown } from '../../../components/shown.ts';
import { MessageText } from '../../../components/MessageText.tsx';

function sizeText(bytes: number | null): string {
  if (bytes === null) return 'free space unknown';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB free`;
  return `${Math.max(0, Math.round(bytes / 1e6))} MB free`;
}

/** The export package to a chosen medium, read back and verified, here in the ceremony. */
export function ExportStep() {
  const { go, run } = useEmergencyWizard();
  const c = useAppStore((s) => s.emergency);
  const patch = useAppStore((s) => s.patchEmergency);
  const exportTo = useAppStore((s) => s.exportEmergency);
  const log = useAppStore((s) => s.logEmergency);
  const busy = useAppStore((s) => s.emergencyBusy);
  const [media, setMedia] = useState<MediumView[] | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const refresh = useCallback(() => {
    void run('media.list', {}).then((r) => {
      if (!r.ok) return;
      setMedia(r.value.media);
      setProblems(r.value.problems);
    });
  }, [run]);
  useEffect(refresh, [refresh]);
  const done = c.verified?.ok === true || c.exportSkipped;
  const medium = media?.find((m) => m.path === c.mediumPath) ?? null;
  const writing = busy === 'Writing the export package…';
  // Write and Skip go away once pressed: the keyboard goes on from what they led to (the verification, or the
  // line saying the export was skipped), from where Tab reaches Next, not from the top of the page.
  const pressed = useRef<'write' | 'skip' | null>(null);
  const verifiedLine = useRef<HTMLDivElement>(null);
  const skippedLine = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (pressed.current === 'write' && c.verified) verifiedLine.current?.focus();
    else if (pressed.current === 'skip' && c.exportSkipped) skippedLine.current?.focus();
    else return;
    pressed.current = null;
  }, [c.verified, c.exportSkipped]);

  return (
    <CeremonyStep
      action={{ label: 'Next: transcript', onClick: () => go('transcript'), disabledReason: done ? null : 'Write and verify the package, or skip the export.' }}
    >
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="body2" sx={{ flexGrow: 1 }}>
          Insert a new removable medium, then choose it. The package holds the new trust bundle, the CRLs (with the old key&apos;s final CRL) and a manifest signed by the new key.
        </Typography>
        <Button variant="outlined" onClick={refresh} disabled={Boolean(busy)} sx={{ flexShrink: 0, whiteSpace: 'nowrap' }}>
          Look for media again
        </Button>
      </Stack>
      <StepRefusal title="Removable media could not be listed" />
      {media && media.length === 0 ? <Alert severity="warning">No removable medium found. {shown(problems.join(' '))}</Alert> : null}
      {media && media.length > 0 ? (
        <FormControl>
          <FormLabel id="em-medium">Removable media</FormLabel>
          <RadioGroup aria-labelledby="em-medium" value={c.mediumPath ?? ''} onChange={(e) => patch({ mediumPath: e.target.value })}>
            {media.map((m) => (
              <FormControlLabel key={m.path} value={m.path} disabled={Boolean(busy) || c.verified?.ok === true} control={<Radio />} label={`${shown(m.label)} — ${shown(m.path)} (${sizeText(m.freeBytes)})`} />
            ))}
          </RadioGroup>
        </FormControl>
      ) : null}
      {c.verified?.ok !== true ? (
        <Stack direction="row" spacing={2}>
          <Button
            variant="contained"
            onClick={() => {
              if (!medium) return;
              pressed.current = 'write';
              void exportTo(medium.path);
            }}
            disabled={!medium || Boolean(busy)}
          >
            {medium ? `Write the package to ${shown(medium.label)}` : 'Write the package'}
          </Button>
          {!medium ? (
            <Typography variant="body2" color="text.secondary" sx={{ alignSelf: 'center' }}>
              Choose a medium first.
            </Typography>
          ) : null}
          {!c.exportSkipped ? (
            <Button
              onClick={() => {
                pressed.current = 'skip';
                log('export skipped', c.officer ?? '', 'the package is to be written later with the export wizard');
                patch({ exportSkipped: true });
              }}
              disabled={Boolean(busy)}
            >
              Skip the export for now
            </Button>
          ) : null}
        </Stack>
      ) : null}
      {writing ? <OperationProgress operation="export.media" label="Writing the export package" running /> : null}
      {c.exportSkipped && c.verified?.ok !== true ? <Alert severity="warning" ref={skippedLine} tabIndex={-1} data-testid="export-skipped">The export was skipped: the agents keep the old bundle until you write a package with the export wizard.</Alert> : null}
      {c.exported ? (
        <Box data-testid="export-result">
          <Typography variant="body2">
            Written to <MonoText>{c.exported.dir}</MonoText>
          </Typography>
          <Typography variant="body2" component="div">
            Manifest SHA-256 <MonoText>{c.exported.manifestSha256}</MonoText> <CopyTextButton text={c.exported.manifestSha256} label="Copy the manifest hash" />
          </Typography>
        </Box>
      ) : null}
      {c.verified ? (
        c.verified.ok ? (
          <Alert severity="success" data-testid="export-verified" ref={verifiedLine} tabIndex={-1}>
            <AlertTitle>Verified: read back, the {c.verified.files} files listed in the signed manifest match</AlertTitle>
            {c.exported ? `${writtenCountText(c.exported.files, true)}. ` : ''}Eject the medium on the last step, before you remove it.
          </Alert>
        ) : (
          <Alert severity="error" data-testid="export-verified" ref={verifiedLine} tabIndex={-1}>
            <AlertTitle>The package on the medium does not verify: do not hand it out</AlertTitle>
            {c.verified.problems.map((p, i) => (
              <div key={i}>
                {shown(p.file ?? 'package')}: <MessageText text={p.message} />
              </div>
            ))}
            Write it again to another medium.
          </Alert>
        )
      ) : null}
    </CeremonyStep>
  );
}
