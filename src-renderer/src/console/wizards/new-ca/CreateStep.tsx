import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import { useEffect, useState } from 'react';
import type { KeyView } from '../../../../../src-main/api/contract.ts';
import { call } from '../../../api.ts';
import { KeyName } from '../../../components/KeyIdChip.tsx';
import { MonoText } from '../../../components/MonoText.tsx';
import { shown } from '../../../components/shown.ts';
import { useAppStore } from '../../../store/index.ts';
import { ALGORITHM_LABELS } from '../algorithms.ts';
import { SummaryRow } from '../SummaryRow.tsx';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { useNewCaDraft, useNewCaWizard } from './new-ca-draft.ts';
import { onTokenText, TOKEN_CODES, useTokenRefusal } from '../key-location.ts';
import { TokenRefusalAlert } from '../KeyLocationFields.tsx';

/** The parent's active key, named as everywhere: "Name (sha256:…)". */
function useSigner(parent: string, activeKeyId: string | null): KeyView | null {
  const [signer, setSigner] = useState<KeyView | null>(null);
  useEffect(() => {
    if (!parent || !activeKeyId) return;
    void call('key.show', { key: activeKeyId, ca: parent }).then((r) => setSigner(r.ok ? r.value : null));
  }, [parent, activeKeyId]);
  return signer && signer.id === activeKeyId ? signer : null;
}

/** The confirm step: what will be created, and in which CA it writes, then the one button that creates it. */
export function CreateStep() {
  const cas = useAppStore((s) => s.cas) ?? [];
  const loadCas = useAppStore((s) => s.loadCas);
  const { go, run, busy } = useNewCaWizard();
  const { name, purpose, parent, key, days, location, setCreated, setTaken, issuing } = useNewCaDraft();
  const [tokenRefusal, noteToken] = useTokenRefusal();
  const onToken = issuing && location.kind === 'token' ? location : null;
  const parentCa = cas.find((c) => c.name === parent);
  const signer = useSigner(parent, parentCa?.activeKeyId ?? null);

  const create = async () => {
    const d = days.trim() === '' ? undefined : Number(days);
    const r = await run(
      'ca.create',
      issuing
        ? { name: name.trim(), purpose: purpose.trim(), parent, keyName: key.name.trim(), algorithm: key.algorithm, subject: key.subject.trim(), ...(d !== undefined ? { days: d } : {}), ...(onToken ? { token: { serial: onToken.serial } } : {}) }
        : { name: name.trim(), purpose: purpose.trim() },
      { handles: ['CA_NAME_TAKEN', 'KEY_NAME_TAKEN', ...(onToken ? TOKEN_CODES : [])] },
    );
    // A token refusal is said here in officer words (the PIN field is on the step before); nothing was created.
    noteToken(r);
    // A taken name goes back to its field, where the officer changes it.
    if (!r.ok && r.code === 'CA_NAME_TAKEN') {
      setTaken({ field: 'caName', name: name.trim(), code: r.code, message: r.message });
      go('basics');
    } else if (!r.ok && r.code === 'KEY_NAME_TAKEN') {
      setTaken({ field: 'keyName', name: key.name.trim(), code: r.code, message: r.message });
      go('key');
    }
    if (!r.ok) return;
    setCreated(r.value);
    await loadCas();
    go('done');
  };

  return (
    <>
      <Table size="small" aria-label="The new CA" data-testid="new-ca-summary">
        <TableBody>
          <SummaryRow label="New CA" labelWidth={200}>
            {shown(name.trim())}
          </SummaryRow>
          <SummaryRow label="Purpose">{purpose.trim() ? shown(purpose.trim()) : '—'}</SummaryRow>
          {issuing ? (
            <>
              <SummaryRow label="Parent CA">{shown(parent)}</SummaryRow>
              <SummaryRow label="Signed by">{signer ? <KeyName id={signer.id} name={signer.name} /> : parentCa?.activeKeyId ? <KeyName id={parentCa.activeKeyId} name={null} /> : '—'}</SummaryRow>
              <SummaryRow label="First key">
                {shown(key.name.trim())}, {ALGORITHM_LABELS[key.algorithm]}
              </SummaryRow>
              <SummaryRow label="Where the key lives">
                <span data-testid="key-location">{onToken ? `${onTokenText(onToken)}: generated there, it never leaves the token` : 'In the vault, encrypted in the vault file'}</span>
              </SummaryRow>
              <SummaryRow label="Subject">
                <MonoText>{key.subject.trim()}</MonoText>
              </SummaryRow>
              <SummaryRow label="Validity">{days.trim() === '' ? 'the sub-CA profile’s default' : `${days.trim()} days`}</SummaryRow>
            </>
          ) : null}
        </TableBody>
      </Table>
      <Alert severity="warning" sx={{ mt: 2 }} data-testid="new-ca-changes">
        {issuing ? (
          <>
            This changes two CAs: it adds the CA {shown(name.trim())} with its first key (a draft holding its certificate{onToken ? `; its key pair is generated on ${shown(onToken.label)} first, and removed from it again if the vault refuses` : ''}), and records that certificate among the certificates of {shown(parent)}, signed by its active key. Nothing else in {shown(parent)} changes, and the other CAs stay as they are.
          </>
        ) : (
          <>This adds the CA {shown(name.trim())}, empty: no key, no certificate. The other CAs of the vault stay as they are.</>
        )}
      </Alert>
      {tokenRefusal ? <TokenRefusalAlert code={tokenRefusal} /> : null}
      <StepRefusal title="The vault refused to create the CA; nothing changed" spaced />
      <StepActions onBack={() => go(issuing ? 'key' : 'basics')}>
        <Button variant="contained" disabled={busy} onClick={() => void create()}>
          {issuing ? `Create ${name.trim()} under ${parent}` : `Create ${name.trim()}`}
        </Button>
      </StepActions>
    </>
  );
}
