import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { useState } from 'react';
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

/** The typed fingerprint is not the chain's root's: officer words for CHAIN_ROOT_FINGERPRINT_MISMATCH, shown at the field. */
const FINGERPRINT_MISMATCH =
  'This is not the root your corporate PKI published — do not import this chain. Nothing was pinned or stored. Check what you typed against the paper; if it matches the paper, the chain on this medium may have been replaced: ask the corporate PKI for the chain again and for its fingerprint by phone or on paper.';
const FINGERPRINT_MALFORMED =
  'A SHA-256 fingerprint is 64 hex digits (0–9, A–F), with or without colons or spaces. Check what you typed against the paper. Nothing was pinned or stored.';

function chainHelp(code: ErrorCode | null): string | undefined {
  const isChainCode = (c: ErrorCode): c is ChainErrorCode => c.startsWith('CHAIN_');
  return code && isChainCode(code) ? CHAIN_HELP[code] : undefined;
}

/** Every check of the chain, green or red; importing stores it with the draft (after the root's fingerprint is compared). */
export function ReviewStep() {
  const loadKeys = useAppStore((s) => s.loadKeys);
  const { go, run, busy, setError } = useSubCaWizard();
  const { basics, key, check, source, imported, setImported, rootTyped, setRootTyped, rootUntyped } = useSubCaDraft();
  // The main process's refusal of the typed fingerprint, with the very text it refused: shown at the field until it is edited.
  const [refused, setRefused] = useState<{ typed: string; message: string } | null>(null);
  const newRoot = check?.root !== undefined && !check.root.pinned;
  const refusal = refused?.typed === rootTyped ? refused.message : null;

  const importChain = async () => {
    if (!key || !source || !check) return;
    // Only what the officer typed goes as the fingerprint, never the chain's own: the main process compares the two.
    const typed = rootTyped;
    const r = await run('key.importChain', { key: key.id, source, ...(newRoot ? { rootFingerprint: typed } : {}) }, { handles: ['CHAIN_ROOT_FINGERPRINT_MISMATCH', 'INVALID_INPUT'] });
    if (!r.ok) {
      if (r.code === 'CHAIN_ROOT_FINGERPRINT_MISMATCH') setRefused({ typed, message: FINGERPRINT_MISMATCH });
      else if (r.code === 'INVALID_INPUT' && newRoot && /fingerprint/i.test(r.message)) setRefused({ typed, message: FINGERPRINT_MALFORMED });
      else setError(r);
      return;
    }
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
          {check.root && !imported ? <RootFingerprintCheck root={check.root} typed={rootTyped} onType={setRootTyped} refusal={refusal} /> : null}
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
          <Button variant="contained" disabled={busy || rootUntyped || refusal !== null} onClick={() => void importChain()}>
            Import this chain
          </Button>
        ) : null}
      </StepActions>
    </>
  );
}
