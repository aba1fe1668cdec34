import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import { KeyIdChip } from '../../../components/KeyIdChip.tsx';
import { useAppStore } from '../../../store/index.ts';
import { KeyBasicsSummary } from '../KeyBasicsSummary.tsx';
import { StepActions } from '../WizardFrame.tsx';
import { useSubCaDraft, useSubCaWizard } from './sub-ca-draft.ts';

/** The confirm step: the key pair is generated in the vault as a draft. */
export function CreateStep() {
  const loadKeys = useAppStore((s) => s.loadKeys);
  const { go, run, busy } = useSubCaWizard();
  const { basics, key, setKey } = useSubCaDraft();

  const create = async () => {
    const r = await run('key.create', { name: basics.name, algorithm: basics.algorithm });
    if (!r.ok) return;
    setKey(r.value);
    go('csr');
    void loadKeys();
  };

  return (
    <>
      <KeyBasicsSummary basics={basics} />
      {key ? (
        <Alert severity="success" sx={{ mt: 2 }}>
          Draft created: {key.name} <KeyIdChip id={key.id} name={key.name} />
        </Alert>
      ) : null}
      <StepActions onBack={() => go('basics')}>
        {key ? (
          <Button variant="contained" onClick={() => go('csr')}>
            Next
          </Button>
        ) : (
          <Button variant="contained" disabled={busy} onClick={() => void create()}>
            Create draft key
          </Button>
        )}
      </StepActions>
    </>
  );
}
