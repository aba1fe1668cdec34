import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { MonoText } from '../../../components/MonoText.tsx';
import { useAppStore } from '../../../store/index.ts';
import Box from '@mui/material/Box';
import { useRef } from 'react';
import { CeremonyKitPanel } from '../CeremonyKitPanel.tsx';
import { MediumFolderField } from '../MediumFolderField.tsx';
import { StepActions } from '../WizardFrame.tsx';
import { useSubCaDraft, useSubCaWizard } from './sub-ca-draft.ts';
import { shown } from '../../../components/shown.ts';

/** The draft's CSR, written to a removable medium for the corporate root. */
export function CsrStep() {
  const closeWizard = useAppStore((s) => s.closeWizard);
  const { go, run, busy } = useSubCaWizard();
  const { basics, key, folder, setFolder, csrPath, csrFile, setCsrFile } = useSubCaDraft();
  // The keyboard goes from the write button (gone once written) to the kit, and from the kit to the signed chain.
  const haveChain = useRef<HTMLButtonElement>(null);

  const writeCsr = async () => {
    if (!key) return;
    const r = await run('key.csr', { key: key.id, subject: basics.subject, out: csrPath });
    if (r.ok) setCsrFile(r.value.file ?? csrPath);
  };

  return (
    <>
      <MediumFolderField legend="Write the CSR to" value={folder} onChange={setFolder} />
      {csrPath ? (
        <Typography sx={{ mt: 2 }}>
          File: <MonoText testId="csr-path">{csrPath}</MonoText>
        </Typography>
      ) : null}
      {csrFile ? (
        <Alert severity="success" sx={{ mt: 2 }} data-testid="csr-written">
          <AlertTitle>CSR written</AlertTitle>
          <MonoText>{csrFile}</MonoText>. Take the medium to the corporate root. You can close this wizard now and resume {shown(basics.name)} from the dashboard when the signed chain is back.
        </Alert>
      ) : null}
      {csrFile && key ? (
        <Box sx={{ mt: 2 }}>
          <CeremonyKitPanel ceremony="sub-ca" keyId={key.id} folder={folder} autoFocus onWritten={() => haveChain.current?.focus()} />
        </Box>
      ) : null}
      <StepActions onBack={() => go('create')}>
        {csrFile ? (
          <>
            <Button variant="contained" onClick={() => go('source')} ref={haveChain}>
              I have the signed chain
            </Button>
            <Button onClick={closeWizard}>Close, resume later</Button>
          </>
        ) : (
          <Button variant="contained" disabled={busy || !key || csrPath === ''} onClick={() => void writeCsr()}>
            Write CSR to medium
          </Button>
        )}
      </StepActions>
    </>
  );
}
