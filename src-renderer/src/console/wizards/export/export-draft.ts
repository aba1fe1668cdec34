import type { ExportPreview, ExportVerifyView, ExportView } from '../../../../../src-main/api/contract.ts';
import { useWizard, useWizardField } from '../wizard-state.ts';

export type ExportStepId = 'medium' | 'preview' | 'write' | 'verify' | 'done';

/** The export wizard's control, inside its frame. */
export const useExportWizard = () => useWizard<ExportStepId>();

/** What the officer chose and what the api answered, kept over an auto-lock. */
export function useExportDraft() {
  const [medium, setMedium] = useWizardField('export', 'medium', '');
  const [preview, setPreview] = useWizardField<ExportPreview | null>('export', 'preview', null);
  const [written, setWritten] = useWizardField<ExportView | null>('export', 'written', null);
  const [verified, setVerified] = useWizardField<ExportVerifyView | null>('export', 'verified', null);
  const [ejected, setEjected] = useWizardField('export', 'ejected', false);
  return { medium, setMedium, preview, setPreview, written, setWritten, verified, setVerified, ejected, setEjected };
}
