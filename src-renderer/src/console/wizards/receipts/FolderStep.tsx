import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import type { FormEvent } from 'react';
import { MediumFolderField } from '../MediumFolderField.tsx';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { FileCheckTable } from '../issue-media/FileCheckTable.tsx';
import { counted } from '../issue-media/issue-media-draft.ts';
import { useReceiptsDraft, useReceiptsWizard } from './receipts-draft.ts';

/** The receipts folder: fleet.checkReceipts reads and judges every receipt and stores nothing. */
export function FolderStep() {
  const { go, run, busy } = useReceiptsWizard();
  const { medium, setMedium, sub, setSub, dir, check, setCheck, refused } = useReceiptsDraft();

  const read = async (e: FormEvent) => {
    e.preventDefault();
    if (medium.trim() === '' || busy) return;
    setCheck(null);
    const r = await run('fleet.checkReceipts', { dir });
    if (r.ok) setCheck(r.value);
  };

  return (
    <>
      {/* A form: Enter in the folder field checks the receipts, as the button does. */}
      <Box component="form" onSubmit={(e) => void read(e)} aria-label="Check the receipts" noValidate>
        <MediumFolderField
          value={medium}
          onChange={(v) => {
            setMedium(v);
            setCheck(null);
          }}
          legend="Medium holding the receipts"
        />
        <TextField
          label="Folder on the medium (optional)"
          value={sub}
          onChange={(e) => {
            setSub(e.target.value);
            setCheck(null);
          }}
          helperText={medium ? `Receipts (*.receipt.json with their .sig) are read from ${dir}` : 'Choose a medium first; empty: its top folder.'}
          sx={{ mt: 2 }}
          fullWidth
          slotProps={{ htmlInput: { spellCheck: false } }}
        />
        <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
          <Button type="submit" variant="outlined" disabled={medium.trim() === '' || busy}>
            Check the receipts
          </Button>
        </Stack>
      </Box>
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
