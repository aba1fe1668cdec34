import Alert from '@mui/material/Alert';
import { KeyIdChip } from '../../../components/KeyIdChip.tsx';
import { useAppStore } from '../../../store/index.ts';
import { KeyBasicsSummary } from '../KeyBasicsSummary.tsx';
import { CreateStepActions } from '../KeyBasicsStep.tsx';
import { useRootDraft, useRootWizard } from './root-draft.ts';
import { shown } from '../../../components/shown.ts';
import { keyCreateInput, TOKEN_CODES, useTokenRefusal } from '../key-location.ts';
import { TokenRefusalAlert } from '../KeyLocationFields.tsx';
import { backToNameIfTaken } from '../key-wizard.ts';

const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));

/** The confirm step: the key pair is generated (in the vault or on the chosen token) and self-signs its certificate. */
export function CreateStep() {
  const loadKeys = useAppStore((s) => s.loadKeys);
  const { go, run, busyWhile } = useRootWizard();
  const { basics, location, days, pathLength, key, setKey, signed, setSigned, setTakenName } = useRootDraft();
  const [tokenRefusal, noteToken] = useTokenRefusal();

  /** Create (once) then self-sign; a refused self-sign keeps the draft and its id, so confirming again only signs. */
  const createAndSign = () =>
    busyWhile(async () => {
      let target = key;
      if (!target) {
        const c = await run('key.create', keyCreateInput(basics.name, basics.algorithm, location), { handles: [...TOKEN_CODES, 'KEY_NAME_TAKEN'] });
        noteToken(c);
        if (backToNameIfTaken(c, basics.name, setTakenName, () => go('basics'))) return;
        if (!c.ok) return;
        target = c.value;
        setKey(target);
      }
      const d = num(days);
      const p = num(pathLength);
      const r = await run('key.selfSign', { key: target.id, subject: basics.subject, ...(d !== undefined ? { days: d } : {}), ...(p !== undefined ? { pathLength: p } : {}) }, { handles: TOKEN_CODES });
      noteToken(r);
      void loadKeys();
      if (!r.ok) return;
      setSigned(r.value);
      go('review');
    });

  return (
    <>
      <KeyBasicsSummary basics={basics} location={location}>
        <dt>Validity</dt>
        <dd>{days.trim() === '' ? 'the default' : `${days} days`}</dd>
        <dt>Path length</dt>
        <dd>{pathLength.trim() === '' ? 'no limit' : pathLength}</dd>
      </KeyBasicsSummary>
      {tokenRefusal ? <TokenRefusalAlert code={tokenRefusal} /> : null}
      {key && !signed ? (
        <Alert severity="info" sx={{ mt: 2 }}>
          Draft {shown(key.name)} exists but has no certificate yet <KeyIdChip id={key.id} name={key.name} />. Confirming again only self-signs it.
        </Alert>
      ) : null}
      <CreateStepActions done={signed !== null} onNext={() => go('review')} confirmLabel={key ? 'Self-sign the root certificate' : 'Create key and self-sign'} onConfirm={() => void createAndSign()} />
    </>
  );
}
