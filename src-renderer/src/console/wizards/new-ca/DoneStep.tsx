import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import { HexChip, KeyName } from '../../../components/KeyIdChip.tsx';
import { shown } from '../../../components/shown.ts';
import { useAppStore } from '../../../store/index.ts';
import { StepActions } from '../WizardFrame.tsx';
import { useNewCaDraft } from './new-ca-draft.ts';

/** What was created, and the way on: into the new CA, to activate its first key (issuing) or to create it (empty). */
export function DoneStep() {
  const { created, parent, key } = useNewCaDraft();
  const selectCa = useAppStore((s) => s.selectCa);
  const openWizard = useAppStore((s) => s.openWizard);
  const closeWizard = useAppStore((s) => s.closeWizard);
  if (!created) return null;
  const into = (then: () => void) => {
    closeWizard();
    selectCa(created.name);
    then();
  };
  return (
    <>
      <Alert severity="success" data-testid="new-ca-created">
        <AlertTitle>The CA {shown(created.name)} is in the vault</AlertTitle>
        {created.firstKeyId ? (
          <>
            Its first key <KeyName id={created.firstKeyId} name={key.name.trim()} /> is a draft holding its certificate (serial <HexChip value={created.serial ?? ''} kind="serial number" />), signed by the active key of {shown(parent)}.
            {created.firstKeyToken ? ` Its private key is on token ${shown(created.firstKeyToken.label)} (serial ${created.firstKeyToken.serial}) and never leaves it; the vault holds its public key only.` : ''} It signs nothing until you activate it in {shown(created.name)}.
          </>
        ) : (
          <>It has no key yet. Create its first key inside it: a standalone root, or a sub-CA key for a corporate root.</>
        )}
      </Alert>
      <StepActions>
        {created.firstKeyId ? (
          <Button variant="contained" onClick={() => into(() => openWizard('sub-ca', created.firstKeyId))}>
            Switch to {created.name} and activate its first key…
          </Button>
        ) : (
          <Button variant="contained" onClick={() => into(() => openWizard('root'))}>
            Switch to {created.name} and create its root…
          </Button>
        )}
        <Button variant="outlined" onClick={() => into(() => undefined)}>
          Switch to {created.name}
        </Button>
        <Button onClick={closeWizard}>Stay in the current CA</Button>
      </StepActions>
    </>
  );
}
