import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { MonoText } from '../../../components/MonoText.tsx';
import { OperationProgress } from '../../../components/OperationProgress.tsx';
import { useAppStore } from '../../../store/index.ts';
import { consoleCaName } from '../../../api.ts';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { useExportDraft, useExportWizard } from './export-draft.ts';

/** The one mutating step: export.media writes the package (with progress), then export.verify reads it back. */
export function WriteStep() {
  const clearProgress = useAppStore((s) => s.clearProgress);
  const { go, setStep, run, busy, busyWhile, error } = useExportWizard();
  const { medium, setWritten, setVerified } = useExportDraft();

  const write = () =>
    busyWhile(async () => {
      clearProgress('export.media');
      const r = await run('export.media', { to: medium, ca: consoleCaName() });
      if (!r.ok) return;
      setWritten(r.value);
      const v = await run('export.verify', { dir: r.value.dir });
      setVerified(v.ok ? v.value : null);
      // A read-back that failed is shown on the verification step, which offers to verify again.
      setStep('verify');
    });

  return (
    <>
      <Typography variant="body2">
        The package goes to <MonoText testId="export-target">{medium}</MonoText>.
      </Typography>
      {busy ? <OperationProgress operation="export.media" label="Writing the export package" running /> : null}
      <StepRefusal title="The package was not written" />
      {error ? (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Check that the medium is inserted, mounted, writable and has room, then press Retry — or go Back and choose another medium.
        </Typography>
      ) : null}
      <StepActions onBack={busy ? undefined : () => go('preview')}>
        <Button variant="contained" disabled={busy} onClick={() => void write()}>
          {busy ? 'Writing…' : error ? 'Retry' : 'Write the package'}
        </Button>
      </StepActions>
    </>
  );
}
