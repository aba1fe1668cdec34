import Alert from '@mui/material/Alert';
import { KeyName } from '../../../components/KeyIdChip.tsx';
import { useAppStore } from '../../../store/index.ts';
import { KeyBasicsSummary } from '../KeyBasicsSummary.tsx';
import { CreateStepActions } from '../KeyBasicsStep.tsx';
import { useSubCaDraft, useSubCaWizard } from './sub-ca-draft.ts';
import { keyCreateInput, TOKEN_CODES, useTokenRefusal } from '../key-location.ts';
import { TokenRefusalAlert } from '../KeyLocationFields.tsx';
import { backToNameIfTaken } from '../key-wizard.ts';

/** The confirm step: the key pair is generated in the vault as a draft. */
export function CreateStep() {
  const loadKeys = useAppStore((s) => s.loadKeys);
  const { go, run } = useSubCaWizard();
  const { basics, location, key, setKey, setTakenName } = useSubCaDraft();
  const [tokenRefusal, noteToken] = useTokenRefusal();

  const create = async () => {
    const r = await run('key.create', keyCreateInput(basics.name, basics.algorithm, location), { handles: [...TOKEN_CODES, 'KEY_NAME_TAKEN'] });
    noteToken(r);
    if (backToNameIfTaken(r, basics.name, setTakenName, () => go('basics'))) return;
    if (!r.ok) return;
    setKey(r.value);
    go('csr');
    void loadKeys();
  };

  return (
    <>
      <KeyBasicsSummary basics={basics} location={location} />
      {tokenRefusal ? <TokenRefusalAlert code={tokenRefusal} /> : null}
      {key ? (
        <Alert severity="success" sx={{ mt: 2 }}>
          Draft created: <KeyName id={key.id} name={key.name} />
        </Alert>
      ) : null}
      <CreateStepActions done={key !== null} onNext={() => go('csr')} confirmLabel="Create draft key" onConfirm={() => void create()} />
    </>
  );
}
