import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import type { ChainErrorCode, ErrorCode } from '../../../../../src-main/api/contract.ts';
import { useAppStore } from '../../../store/index.ts';
import { ChainTree } from '../ChainTree.tsx';
import { RootFingerprintCheck } from '../RootFingerprintCheck.tsx';
import { StepActions } from '../WizardFrame.tsx';
import { useSubCaDraft, useSubCaWizard } from './sub-ca-draft.ts';
import { shown } from '../../../components/shown.ts';
import { MessageText } from '../../../components/MessageText.tsx';

/** What a red check means in plain words, by the api's code; the api's message follows it. */
const CHAIN_HELP: Partial<Record<ChainErrorCode, string>> = {
  CHAIN_KEY_MISMATCH: 'This certificate was issued for a different key, not for this draft. Ask the corporate root for the certificate signed from this draft’s CSR.',
  CHAIN_MISSING_ISSUER: 'An issuer between this key and the root is missing. Ask for the full chain (a PEM bundle or .p7b with every intermediate).',
  CHAIN_EXPIRED: 'A certificate in the chain is outside its validity period.',
};

function chainHelp(code: ErrorCode | null): string | undefined {
  const isChainCode = (c: ErrorCode): c is ChainErrorCode => c.startsWith('CHAIN_');
  return code && isChainCode(code) ? CHAIN_HELP[code] : undefined;
}

/** Every check of the chain, green or red; importing stores it with the draft (after the root's fingerprint is compared). */
export function ReviewStep() {
  const loadKeys = useAppStore((s) => s.loadKeys);
  const { go, run, busy } = useSubCaWizard();
  const { basics, key, check, source, imported, setImported, rootConfirmed, setRootConfirmed, rootUnconfirmed } = useSubCaDraft();

  const importChain = async () => {
    if (!key || !source || !check) return;
    const r = await run('key.importChain', { key: key.id, source, ...(check.root ? { rootFingerprint: check.root.fingerprint } : {}) });
    if (!r.ok) return;
    setImported(true);
    go('activate');
    void loadKeys();
  };

  return (
    <>
      {check?.ok ? (
        <>
          <Alert severity="success" sx={{ mb: 2 }} data-testid="chain-ok">
            <AlertTitle>Every check is green</AlertTitle>
            The chain belongs to this draft’s key, every signature verifies up to a self-signed root, every certificate is valid now and each issuer is a CA allowed to sign the next.
          </Alert>
          <ChainTree chain={check.chain} />
          {check.root && !imported ? <RootFingerprintCheck root={check.root} confirmed={rootConfirmed} onConfirm={setRootConfirmed} /> : null}
        </>
      ) : null}
      {check && !check.ok ? (
        <Alert severity="error" data-testid="chain-refused">
          <AlertTitle>The chain was refused; nothing was stored</AlertTitle>
          {chainHelp(check.code) ? <Box sx={{ mb: 1 }}>{chainHelp(check.code)}</Box> : null}
          <MessageText text={check.message} />
          <Box component="span" sx={{ display: 'block', mt: 0.5, fontFamily: 'monospace', fontSize: '0.8rem' }}>
            {check.code}
          </Box>
        </Alert>
      ) : null}
      {imported ? (
        <Alert severity="success" sx={{ mt: 2 }}>
          The chain is stored with {shown(basics.name)}.
        </Alert>
      ) : null}
      <StepActions onBack={imported ? undefined : () => go('source')}>
        {imported ? (
          <Button variant="contained" onClick={() => go('activate')}>
            Next
          </Button>
        ) : check?.ok && key && source ? (
          <Button variant="contained" disabled={busy || rootUnconfirmed} onClick={() => void importChain()}>
            Import this chain
          </Button>
        ) : null}
      </StepActions>
    </>
  );
}
