import Button from '@mui/material/Button';
import { MediumFolderForm } from '../MediumFolderField.tsx';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { FileCheckTable } from '../issue-media/FileCheckTable.tsx';
import { counted } from '../issue-media/issue-media-draft.ts';
import { useReceiptsDraft, useReceiptsWizard } from './receipts-draft.ts';

/** The receipts folder: fleet.checkReceipts reads and judges every receipt and stores nothing. */
export function FolderStep() {
  const { go, run, busy } = useReceiptsWizard();
  const { medium, setMedium, sub, setSub, dir, check, setCheck, refused } = useReceiptsDraft();

  const read = async () => {
    setCheck(null);
    const r = await run('fleet.checkReceipts', { dir });
    if (r.ok) setCheck(r.value);
  };

  return (
    <>
      <MediumFolderForm
        legend="Medium holding the receipts"
        medium={medium}
        onMedium={(v) => {
          setMedium(v);
          setCheck(null);
        }}
        sub={sub}
        onSub={(v) => {
          setSub(v);
          setCheck(null);
        }}
        readsFrom={`Receipts (*.receipt.json with their .sig) are read from ${dir}`}
        action="Check the receipts"
        busy={busy}
        onRead={() => void read()}
      />
      <StepRefusal title="The receipts could not be read" spaced />
      {check ? (
        <FileCheckTable
          sx={{ mt: 2 }}
          titleId="receipts-title"
          title={check.files.length === 0 ? 'No receipts in this folder' : `${counted(check.accepted, 'new receipt', 'new receipts')}, ${check.duplicates} already imported, ${refused(check)} refused`}
          countTestId="receipts-count"
          tableTestId="receipts-table"
          rowTestId="receipt-row"
          checkHeading="Check"
          hideEmpty
          rows={check.files.map((f) =>
            f.status === 'refused'
              ? { file: f.file, ok: false, code: f.code, message: f.message }
              : { file: f.file, ok: true, text: f.status === 'accepted' ? `OK: agent ${f.agentSerial ?? ''}, bundle version ${f.bundleVersion ?? ''}` : 'Already imported: nothing new' },
          )}
        />
      ) : null}
      <StepActions>
        <Button variant="contained" disabled={!check || check.files.length === 0} onClick={() => go('import')}>
          Next: import
        </Button>
      </StepActions>
    </>
  );
}
