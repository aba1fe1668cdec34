import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { MediumFolderField } from '../MediumFolderField.tsx';
import { consoleCaName } from '../../../api.ts';
import { StepActions } from '../WizardFrame.tsx';
import { useExportDraft, useExportWizard } from './export-draft.ts';

/** The removable medium the package goes to. */
export function MediumStep() {
  const { go, run } = useExportWizard();
  const { medium, setMedium, setPreview } = useExportDraft();

  /** The preview is read each time the step is entered: the vault may have changed since (a CRL fell due). */
  const toPreview = () => {
    go('preview');
    setPreview(null);
    void run('export.preview', { ca: consoleCaName() }).then((r) => {
      if (r.ok) setPreview(r.value);
    });
  };

  return (
    <>
      <Typography variant="body2" sx={{ mb: 2 }}>
        Insert and mount the removable medium that will carry the package out, then choose it. A new folder is created on it; nothing on it is overwritten.
      </Typography>
      <MediumFolderField value={medium} onChange={setMedium} legend="Removable medium to write to" />
      <StepActions>
        <Button variant="contained" disabled={medium.trim() === ''} onClick={toPreview}>
          Next: preview
        </Button>
      </StepActions>
    </>
  );
}
