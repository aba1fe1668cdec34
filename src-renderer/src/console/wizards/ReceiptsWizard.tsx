import { useAppStore } from '../../store/index.ts';
import { DoneStep } from './receipts/DoneStep.tsx';
import { FolderStep } from './receipts/FolderStep.tsx';
import { ImportStep } from './receipts/ImportStep.tsx';
import type { ReceiptsStepId } from './receipts/receipts-draft.ts';
import { WizardFrame } from './WizardFrame.tsx';
import { useWizardControl, type WizardStepDef } from './wizard-state.ts';

const STEPS: readonly WizardStepDef<ReceiptsStepId>[] = [
  { id: 'folder', label: 'Receipts folder', next: 'Nothing is stored yet. Choose the medium and folder; every receipt is checked against the vault and you see which are refused, and why.', Step: FolderStep },
  { id: 'import', label: 'Import', next: 'Nothing is stored until you press Import. Then the new receipts are stored, with one audit event for the import.', Step: ImportStep, writes: true },
  { id: 'done', label: 'Done', next: 'The receipts are stored. Eject (unmount) the medium before pulling it out.', Step: DoneStep },
];

/** Import receipts from a medium: a folder preview with refused files and their reasons, the import, the result. */
export function ReceiptsWizard() {
  const closeWizard = useAppStore((s) => s.closeWizard);
  const control = useWizardControl<ReceiptsStepId>('receipts', 'folder');
  return <WizardFrame title="Import receipts from a medium" steps={STEPS} control={control} onClose={closeWizard} />;
}
