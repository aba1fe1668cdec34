import Box from '@mui/material/Box';
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

  const ready = !busy && key !== null && source !== null;
  const checkChain = async () => {
    if (!key || !source) return;
    const r = await run('key.checkChain', { key: key.id, source });
    if (!r.ok) return;
    setCheck(r.value);
    setRootConfirmed(false);
    go('review');
  };

  // A form: Enter in the path field checks the chain, as the button does.
  return (
    <Box
      component="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) void checkChain();
      }}
    >
      {key ? (
        <Typography sx={{ mb: 2 }}>
          Chain for <KeyName id={key.id} name={key.name} />
        </Typography>
      ) : null}
      <ChainSourceField path={path} onPath={setPath} picked={picked} onPicked={setPicked} />
      <StepActions onBack={resuming ? undefined : () => go('csr')}>
        <Button variant="contained" type="submit" disabled={!ready}>
          Check the chain
        </Button>
      </StepActions>
    </Box>
  );
}
