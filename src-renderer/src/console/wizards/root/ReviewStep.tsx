import Button from '@mui/material/Button';
import Box from '@mui/material/Box';
import { useRef } from 'react';
import { CeremonyKitPanel } from '../CeremonyKitPanel.tsx';
import { ChainTree } from '../ChainTree.tsx';
import { StepActions } from '../WizardFrame.tsx';
import { useRootDraft, useRootWizard } from './root-draft.ts';

/** The self-signed certificate, read back from the vault. */
export function ReviewStep() {
  const { go } = useRootWizard();
  const { signed } = useRootDraft();
  // Once the kit is written its button is gone: the keyboard goes on from Next.
  const next = useRef<HTMLButtonElement>(null);
  if (!signed) return null;
  return (
    <>
      <ChainTree chain={signed.chain} />
      <Box sx={{ mt: 2 }}>
        <CeremonyKitPanel ceremony="root" keyId={signed.id} onWritten={() => next.current?.focus()} />
      </Box>
      <StepActions onBack={() => go('create')}>
        <Button variant="contained" onClick={() => go('activate')} ref={next}>
          Next
        </Button>
      </StepActions>
    </>
  );
}
