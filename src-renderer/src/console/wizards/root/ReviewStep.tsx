import Button from '@mui/material/Button';
import { ChainTree } from '../ChainTree.tsx';
import { StepActions } from '../WizardFrame.tsx';
import { useRootDraft, useRootWizard } from './root-draft.ts';

/** The self-signed certificate, read back from the vault. */
export function ReviewStep() {
  const { go } = useRootWizard();
  const { signed } = useRootDraft();
  if (!signed) return null;
  return (
    <>
      <ChainTree chain={signed.chain} />
      <StepActions onBack={() => go('create')}>
        <Button variant="contained" onClick={() => go('activate')}>
          Next
        </Button>
      </StepActions>
    </>
  );
}
