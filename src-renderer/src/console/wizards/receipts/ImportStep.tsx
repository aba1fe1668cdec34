import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import { MonoText } from '../../../components/MonoText.tsx';
import { useAppStore } from '../../../store/index.ts';
import { SummaryRow } from '../SummaryRow.tsx';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { counted } from '../issue-media/issue-media-draft.ts';
import { useReceiptsDraft, useReceiptsWizard } from './receipts-draft.ts';

/** What the import will store; Import is the wizard's only mutating call (fleet.importReceipts). */
export function ImportStep() {
  const loadKeys = useAppStore((s) => s.loadKeys);
  const { go, run, error } = useReceiptsWizard();
  const { check, dir, setResult, refused } = useReceiptsDraft();

  const importNow = async () => {
    const r = await run('fleet.importReceipts', { dir: check?.dir ?? dir });
    if (!r.ok) return;
    setResult(r.value);
    go('done');
    // The dashboard's rotation panel reads the fleet again when the keys are loaded again.
    void loadKeys();
  };

  return (
    <>
      <Table size="small" aria-label="What will be imported" data-testid="receipts-summary">
        <TableBody>
          <SummaryRow label="New receipts" labelWidth={200}>
            {counted(check?.accepted ?? 0, 'receipt', 'receipts')}
          </SummaryRow>
          <SummaryRow label="Already imported" labelWidth={200}>
            {check?.duplicates ?? 0}
          </SummaryRow>
          <SummaryRow label="Refused (not stored)" labelWidth={200}>
            {refused(check)}
          </SummaryRow>
          <SummaryRow label="Read from" labelWidth={200}>
            <MonoText>{check?.dir}</MonoText>
          </SummaryRow>
        </TableBody>
      </Table>
      <StepRefusal title="Nothing was imported" spaced />
      <StepActions onBack={() => go('folder')}>
        <Button variant="contained" onClick={() => void importNow()}>
          {error ? 'Retry' : 'Import the receipts'}
        </Button>
      </StepActions>
    </>
  );
}
