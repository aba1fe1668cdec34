import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { MonoText } from '../../../components/MonoText.tsx';
import { writtenCountText } from '../../../components/EjectMedium.tsx';
import { byteSize } from '../byte-size.ts';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { useExportDraft, useExportWizard } from './export-draft.ts';
import { shown } from '../../../components/shown.ts';
import { MessageText } from '../../../components/MessageText.tsx';

/** The package as read back from the medium and checked against its signed manifest. */
export function VerifyStep() {
  const { go, run, busy } = useExportWizard();
  const { written, verified, setVerified } = useExportDraft();

  const verifyAgain = async () => {
    if (!written) return;
    const v = await run('export.verify', { dir: written.dir });
    if (v.ok) setVerified(v.value);
  };

  return (
    <>
      {written ? (
        <Typography variant="body2" data-testid="export-written">
          Written: {writtenCountText(written.files, verified?.ok === true)} ({byteSize(written.totalBytes)}) to <MonoText testId="export-dir">{written.dir}</MonoText>
        </Typography>
      ) : null}
      <StepRefusal title="The package could not be read back" />
      {verified ? (
        verified.ok ? (
          <Alert severity="success" data-testid="export-verification" sx={{ mt: 2 }}>
            <AlertTitle>Verification OK</AlertTitle>
            Read back from the medium: the {verified.files} files listed in the signed manifest match their sizes and SHA-256, and the manifest&apos;s signature and SHA256SUMS check out.
          </Alert>
        ) : (
          <Alert severity="error" data-testid="export-verification" sx={{ mt: 2 }}>
            <AlertTitle>The package on the medium does not verify: do not hand it out</AlertTitle>
            <ul>
              {verified.problems.map((p, i) => (
                <li key={i}>
                  {shown(p.file ?? 'package')}: <MessageText text={p.message} />
                </li>
              ))}
            </ul>
            Write it again, preferably to another medium.
          </Alert>
        )
      ) : null}
      <StepActions>
        {verified?.ok ? (
          <Button variant="contained" onClick={() => go('done')}>
            Next: eject
          </Button>
        ) : (
          <>
            <Button variant="outlined" disabled={busy} onClick={() => void verifyAgain()}>
              Verify again
            </Button>
            <Button variant="contained" onClick={() => go('medium')}>
              Write again to another medium
            </Button>
          </>
        )}
      </StepActions>
    </>
  );
}
