import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { KeyName } from '../../../components/KeyIdChip.tsx';
import { useAppStore } from '../../../store/index.ts';
import { ChainSourceField } from '../ChainSourceField.tsx';
import { StepActions } from '../WizardFrame.tsx';
import { useSubCaDraft, useSubCaWizard } from './sub-ca-draft.ts';

/** The signed chain as it came back from the corporate root: a file on the medium or one picked; checked, not stored. */
export function SourceStep() {
  // A wizard opened to resume a draft starts here: there is no CSR step to go back to.
  const resuming = useAppStore((s) => s.wizardKeyId !== null);
  const { go, run, busy } = useSubCaWizard();
  const { key, path, setPath, picked, setPicked, source, setCheck, setRootConfirmed } = useSubCaDraft();

  const checkChain = async () => {
    if (!key || !source) return;
    const r = await run('key.checkChain', { key: key.id, source });
    if (!r.ok) return;
    setCheck(r.value);
    setRootConfirmed(false);
    go('review');
  };

  return (
    <>
      {key ? (
        <Typography sx={{ mb: 2 }}>
          Chain for <KeyName id={key.id} name={key.name} />
        </Typography>
      ) : null}
      <ChainSourceField path={path} onPath={setPath} picked={picked} onPicked={setPicked} />
      <StepActions onBack={resuming ? undefined : () => go('csr')}>
        <Button variant="contained" disabled={busy || !key || source === null} onClick={() => void checkChain()}>
          Check the chain
        </Button>
      </StepActions>
    </>
  );
}
