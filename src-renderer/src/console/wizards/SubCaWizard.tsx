import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { ActivationView, ChainCheckView, ChainErrorCode, ErrorCode, KeyView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { KeyIdChip } from '../../components/KeyIdChip.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { useAppStore } from '../../store/index.ts';
import { fileNameFor } from './algorithms.ts';
import { ActivationResult, ActivationStep } from './ActivationStep.tsx';
import { ChainSourceField, chainSource } from './ChainSourceField.tsx';
import { ChainTree } from './ChainTree.tsx';
import { RootFingerprintCheck } from './RootFingerprintCheck.tsx';
import { KeyBasicsFields, type KeyBasics } from './KeyBasicsFields.tsx';
import { KeyBasicsSummary } from './KeyBasicsSummary.tsx';
import { MediumFolderField } from './MediumFolderField.tsx';
import { StepActions, WizardFrame } from './WizardFrame.tsx';
import { useWizardField, type WizardStepDef } from './wizard-state.ts';
import { shown } from '../../components/shown.ts';

const STEPS = [
  { id: 'basics', label: 'Algorithm and subject', next: 'Nothing is stored yet. Next you confirm, and the draft key is generated inside the vault.' },
  { id: 'create', label: 'Create the draft', next: 'Confirming generates the key pair in the vault as a draft. Next, its certificate signing request (CSR) goes to a removable medium.' },
  { id: 'csr', label: 'Write the CSR', next: 'Writing the CSR records it in the audit log. Then take the medium to the corporate root; when the signed chain comes back, resume this key from the dashboard.' },
  { id: 'source', label: 'Import the signed chain', next: 'Checking reads the chain and verifies it against this draft; nothing is stored until you confirm on the next step.' },
  { id: 'review', label: 'Review the chain', next: 'If every check is green, confirm to store the chain with the draft. A red check stores nothing.' },
  { id: 'activate', label: 'Activate', next: 'Nothing changes until you press Activate. The effect is shown below.' },
  { id: 'done', label: 'Export', next: 'Agents learn about the new key only from an export to removable media.' },
] as const satisfies readonly WizardStepDef[];
type StepId = (typeof STEPS)[number]['id'];

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

type CheckResult = ChainCheckView;

/**
 * Wizard 1, new sub-CA key: basics, create the draft, write its CSR to a
 * medium, (later) import and review the signed chain, activate, export.
 * Resumable: opened with a draft's key id it starts at the chain import (or at
 * the review, when the chain is already stored).
 */
export function SubCaWizard({ resumeKeyId }: { resumeKeyId: string | null }) {
  const closeWizard = useAppStore((s) => s.closeWizard);
  const openWizard = useAppStore((s) => s.openWizard);
  const loadKeys = useAppStore((s) => s.loadKeys);
  const [step, setStep] = useWizardField<StepId>('sub-ca', 'step', resumeKeyId ? 'source' : 'basics');
  const [basics, setBasics] = useWizardField<KeyBasics>('sub-ca', 'basics', { name: '', algorithm: 'ecdsa-p256', subject: '' });
  const [key, setKey] = useWizardField<KeyView | null>('sub-ca', 'key', null);
  const [folder, setFolder] = useWizardField('sub-ca', 'folder', '');
  const [csrFile, setCsrFile] = useWizardField<string | null>('sub-ca', 'csrFile', null);
  const [path, setPath] = useWizardField('sub-ca', 'path', '');
  const [picked, setPicked] = useWizardField<{ name: string; base64: string } | null>('sub-ca', 'picked', null);
  const [check, setCheck] = useWizardField<CheckResult | null>('sub-ca', 'check', null);
  const [imported, setImported] = useWizardField('sub-ca', 'imported', false);
  const [rootConfirmed, setRootConfirmed] = useWizardField('sub-ca', 'rootConfirmed', false);
  // A root the vault does not pin yet is stored only after the officer compared its fingerprint with the published one.
  const rootUnconfirmed = check?.root !== undefined && !check.root.pinned && !rootConfirmed;
  const [activation, setActivation] = useWizardField<ActivationView | null>('sub-ca', 'activation', null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // Once loaded, the draft is the wizard's memory: after an auto-lock it carries on where it was.
    if (!resumeKeyId || key) return;
    void call('key.show', { key: resumeKeyId }).then((r) => {
      if (!r.ok) {
        setError(r);
        return;
      }
      setKey(r.value);
      setBasics((b) => ({ ...b, name: r.value.name, subject: r.value.subject ?? '' }));
      if (r.value.chainLength > 0) {
        setImported(true);
        setCheck({ ok: true, chain: r.value.chain, code: null, message: null });
        setStep('review');
      }
    });
  }, [resumeKeyId, key, setBasics, setCheck, setImported, setKey, setStep]);

  const go = (s: StepId) => {
    setError(null);
    setStep(s);
  };

  const run = async <T,>(fn: () => Promise<{ ok: true; value: T } | ApiFailure>, then: (v: T) => void) => {
    setBusy(true);
    setError(null);
    const r = await fn();
    setBusy(false);
    if (r.ok) then(r.value);
    else setError(r);
  };

  const csrPath = folder.trim() === '' ? '' : `${folder.trim().replace(/[\\/]+$/, '')}/${fileNameFor(basics.name)}.csr`;
  const source = chainSource(path, picked);

  let body;
  switch (step) {
    case 'basics':
      body = (
        <>
          <KeyBasicsFields value={basics} onChange={setBasics} nameLocked={key !== null} subjectHelp='The sub-CA’s name as the corporate root will sign it, e.g. "CN=Acme Agents CA,O=Acme".' />
          <StepActions>
            <Button variant="contained" disabled={basics.name.trim() === '' || basics.subject.trim() === ''} onClick={() => go('create')}>
              Next
            </Button>
          </StepActions>
        </>
      );
      break;
    case 'create':
      body = (
        <>
          <KeyBasicsSummary basics={basics} />
          {key ? (
            <Alert severity="success" sx={{ mt: 2 }}>
              Draft created: {shown(key.name)} <KeyIdChip id={key.id} name={key.name} />
            </Alert>
          ) : null}
          <StepActions onBack={() => go('basics')}>
            {key ? (
              <Button variant="contained" onClick={() => go('csr')}>
                Next
              </Button>
            ) : (
              <Button variant="contained" disabled={busy} onClick={() => void run(() => call('key.create', { name: basics.name, algorithm: basics.algorithm }), (v) => {
                  setKey(v);
                  go('csr');
                  void loadKeys();
                })}>
                Create draft key
              </Button>
            )}
          </StepActions>
        </>
      );
      break;
    case 'csr':
      body = (
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
          <StepActions onBack={() => go('create')}>
            {csrFile ? (
              <>
                <Button variant="contained" onClick={() => go('source')}>
                  I have the signed chain
                </Button>
                <Button onClick={closeWizard}>Close, resume later</Button>
              </>
            ) : (
              <Button variant="contained" disabled={busy || !key || csrPath === ''} onClick={() => {
                  if (key) void run(() => call('key.csr', { key: key.id, subject: basics.subject, out: csrPath }), (v) => setCsrFile(v.file ?? csrPath));
                }}>
                Write CSR to medium
              </Button>
            )}
          </StepActions>
        </>
      );
      break;
    case 'source':
      body = (
        <>
          {key ? (
            <Typography sx={{ mb: 2 }}>
              Chain for {shown(key.name)} <KeyIdChip id={key.id} name={key.name} />
            </Typography>
          ) : null}
          <ChainSourceField path={path} onPath={setPath} picked={picked} onPicked={setPicked} />
          <StepActions onBack={resumeKeyId ? undefined : () => go('csr')}>
            <Button
              variant="contained"
              disabled={busy || !key || source === null}
              onClick={() => {
                if (key && source)
                  void run(
                    () => call('key.checkChain', { key: key.id, source }),
                    (v) => {
                      setCheck(v);
                      setRootConfirmed(false);
                      go('review');
                    },
                  );
              }}
            >
              Check the chain
            </Button>
          </StepActions>
        </>
      );
      break;
    case 'review':
      body = (
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
              {shown(check.message)}
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
              <Button
                variant="contained"
                disabled={busy || rootUnconfirmed}
                onClick={() => void run(() => call('key.importChain', { key: key.id, source, ...(check.root ? { rootFingerprint: check.root.fingerprint } : {}) }), () => {
                    setImported(true);
                    go('activate');
                    void loadKeys();
                  })}>
                Import this chain
              </Button>
            ) : null}
          </StepActions>
        </>
      );
      break;
    case 'activate':
      body = key ? <ActivationStep keyId={key.id} keyName={key.name} onBack={() => go('review')} onActivated={(v) => {
            setActivation(v);
            go('done');
          }} /> : null;
      break;
    default:
      body = activation ? <ActivationResult v={activation} onExport={() => openWizard('export')} onClose={closeWizard} /> : null;
  }

  return (
    <WizardFrame title="New sub-CA key" steps={STEPS} step={step} onClose={closeWizard} closeLabel={step === 'done' ? 'Close' : 'Close wizard'} error={error}>
      {body}
    </WizardFrame>
  );
}
