import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useEffect, useState } from 'react';
import type { ActivationView, KeyDetailView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { KeyIdChip } from '../../components/KeyIdChip.tsx';
import { useAppStore } from '../../store/index.ts';
import { ActivationResult, ActivationStep } from './ActivationStep.tsx';
import { ChainTree } from './ChainTree.tsx';
import { KeyBasicsFields, type KeyBasics } from './KeyBasicsFields.tsx';
import { KeyBasicsSummary } from './KeyBasicsSummary.tsx';
import { StepActions, WizardFrame } from './WizardFrame.tsx';
import { useWizardField, type WizardStepDef } from './wizard-state.ts';
import { shown } from '../../components/shown.ts';

const STEPS = [
  { id: 'basics', label: 'Algorithm and subject', next: 'Nothing is stored yet. Next you confirm, and the key is generated and signs its own root certificate.' },
  { id: 'create', label: 'Create and self-sign', next: 'Confirming generates the key pair in the vault and self-signs its certificate. It stays a draft until you activate it.' },
  { id: 'review', label: 'Review', next: 'Check the certificate below. Next you see what activation changes before you confirm it.' },
  { id: 'activate', label: 'Activate', next: 'Nothing changes until you press Activate. The effect is shown below.' },
  { id: 'done', label: 'Export', next: 'Agents learn about the new root only from an export to removable media.' },
] as const satisfies readonly WizardStepDef[];
type StepId = (typeof STEPS)[number]['id'];

/**
 * Wizard 2, standalone root: basics and validity, create and self-sign (one
 * confirm), review the certificate, activate (the previous root, if any,
 * signs a link certificate), export.
 */
export function RootWizard({ resumeKeyId }: { resumeKeyId: string | null }) {
  const closeWizard = useAppStore((s) => s.closeWizard);
  const openWizard = useAppStore((s) => s.openWizard);
  const loadKeys = useAppStore((s) => s.loadKeys);
  const [step, setStep] = useWizardField<StepId>('root', 'step', 'basics');
  const [basics, setBasics] = useWizardField<KeyBasics>('root', 'basics', { name: '', algorithm: 'ecdsa-p256', subject: '' });
  const [days, setDays] = useWizardField('root', 'days', '3650');
  const [pathLength, setPathLength] = useWizardField('root', 'pathLength', '');
  const [created, setCreated] = useWizardField<{ id: string; name: string } | null>('root', 'created', null);
  const [signed, setSigned] = useWizardField<KeyDetailView | null>('root', 'signed', null);
  const [activation, setActivation] = useWizardField<ActivationView | null>('root', 'activation', null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // Once loaded, the draft is the wizard's memory: after an auto-lock it carries on where it was.
    if (!resumeKeyId || created) return;
    void call('key.show', { key: resumeKeyId }).then((r) => {
      if (!r.ok) {
        setError(r);
        return;
      }
      setCreated({ id: r.value.id, name: r.value.name });
      setBasics((b) => ({ ...b, name: r.value.name, subject: r.value.subject ?? '' }));
      if (r.value.certificatePem) {
        setSigned(r.value);
        setStep('review');
      }
    });
  }, [resumeKeyId, created, setBasics, setCreated, setSigned, setStep]);

  const go = (s: StepId) => {
    setError(null);
    setStep(s);
  };

  const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));

  /** Create (once) then self-sign; a refused self-sign keeps the draft and its id, so confirming again only signs. */
  const createAndSign = async () => {
    setBusy(true);
    setError(null);
    let target = created;
    if (!target) {
      const c = await call('key.create', { name: basics.name, algorithm: basics.algorithm });
      if (!c.ok) {
        setBusy(false);
        setError(c);
        return;
      }
      target = { id: c.value.id, name: c.value.name };
      setCreated(target);
    }
    const d = num(days);
    const p = num(pathLength);
    const r = await call('key.selfSign', { key: target.id, subject: basics.subject, ...(d !== undefined ? { days: d } : {}), ...(p !== undefined ? { pathLength: p } : {}) });
    setBusy(false);
    void loadKeys();
    if (!r.ok) {
      setError(r);
      return;
    }
    setSigned(r.value);
    go('review');
  };

  let body;
  switch (step) {
    case 'basics':
      body = (
        <>
          <KeyBasicsFields value={basics} onChange={setBasics} nameLocked={created !== null} subjectHelp='The root’s name, e.g. "CN=Acme Offline Root 2026,O=Acme".' />
          <Stack direction="row" spacing={2} sx={{ mt: 2 }}>
            <TextField label="Validity (days)" type="number" value={days} onChange={(e) => setDays(e.target.value)} helperText="From now; 3650 is ten years." slotProps={{ htmlInput: { min: 1, inputMode: 'numeric' } }} />
            <TextField label="Path length (optional)" type="number" value={pathLength} onChange={(e) => setPathLength(e.target.value)} helperText="How many CA levels may sit below this root; empty: no limit." slotProps={{ htmlInput: { min: 0, inputMode: 'numeric' } }} />
          </Stack>
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
          <KeyBasicsSummary basics={basics}>
            <dt>Validity</dt>
            <dd>{days.trim() === '' ? 'the default' : `${days} days`}</dd>
            <dt>Path length</dt>
            <dd>{pathLength.trim() === '' ? 'no limit' : pathLength}</dd>
          </KeyBasicsSummary>
          {created && !signed ? (
            <Alert severity="info" sx={{ mt: 2 }}>
              Draft {shown(created.name)} exists but has no certificate yet <KeyIdChip id={created.id} name={created.name} />. Confirming again only self-signs it.
            </Alert>
          ) : null}
          <StepActions onBack={() => go('basics')}>
            {signed ? (
              <Button variant="contained" onClick={() => go('review')}>
                Next
              </Button>
            ) : (
              <Button variant="contained" disabled={busy} onClick={() => void createAndSign()}>
                {created ? 'Self-sign the root certificate' : 'Create key and self-sign'}
              </Button>
            )}
          </StepActions>
        </>
      );
      break;
    case 'review':
      body = signed ? (
        <>
          <ChainTree chain={signed.chain} />
          <StepActions onBack={() => go('create')}>
            <Button variant="contained" onClick={() => go('activate')}>
              Next
            </Button>
          </StepActions>
        </>
      ) : null;
      break;
    case 'activate':
      body = signed ? (
        <ActivationStep
          keyId={signed.id}
          keyName={signed.name}
          onBack={() => go('review')}
          onActivated={(v) => {
            setActivation(v);
            go('done');
          }}
          linkNote={(previous) =>
            previous.selfSigned
              ? `${shown(previous.name)} is a root too: it will sign a link certificate for ${shown(signed.name)}, so agents that trust only ${shown(previous.name)} can still build a path to the new root.`
              : null
          }
        />
      ) : null;
      break;
    default:
      body = activation ? <ActivationResult v={activation} onExport={() => openWizard('export')} onClose={closeWizard} /> : null;
  }

  return (
    <WizardFrame title="New standalone root" steps={STEPS} step={step} onClose={closeWizard} closeLabel={step === 'done' ? 'Close' : 'Close wizard'} error={error} errorTitle="The vault refused this step">
      {body}
    </WizardFrame>
  );
}
