import type { ReceiptImportView } from '../../../../../src-main/api/contract.ts';
import { useWizard, useWizardField } from '../wizard-state.ts';
import { joinMediumPath } from '../issue-media/issue-media-draft.ts';

export type ReceiptsStepId = 'folder' | 'import' | 'done';

export const useReceiptsWizard = () => useWizard<ReceiptsStepId>();

/** The medium and folder, the check the api answered, the import's result and whether the medium is ejected, kept over an auto-lock. */
export function useReceiptsDraft() {
  const [medium, setMedium] = useWizardField('receipts', 'medium', '');
  const [sub, setSub] = useWizardField('receipts', 'sub', '');
  const [check, setCheck] = useWizardField<ReceiptImportView | null>('receipts', 'check', null);
  const [result, setResult] = useWizardField<ReceiptImportView | null>('receipts', 'result', null);
  const [ejected, setEjected] = useWizardField('receipts', 'ejected', false);
  const refused = (v: ReceiptImportView | null) => Object.values(v?.refused ?? {}).reduce((n, c) => n + (c ?? 0), 0);
  return { medium, setMedium, sub, setSub, check, setCheck, result, setResult, ejected, setEjected, dir: joinMediumPath(medium, sub), refused };
}
