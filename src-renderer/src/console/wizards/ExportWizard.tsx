import type { ExportStepId } from './export/export-draft.ts';
import { MediumStep } from './export/MediumStep.tsx';
import { PreviewStep } from './export/PreviewStep.tsx';
import { SafeToRemoveStep } from './export/SafeToRemoveStep.tsx';
import { VerifyStep } from './export/VerifyStep.tsx';
import { WriteStep } from './export/WriteStep.tsx';
import { ProgressWizard } from './WizardFrame.tsx';
import type { WizardStepDef } from './wizard-state.ts';

const STEPS: readonly [WizardStepDef<ExportStepId>, ...WizardStepDef<ExportStepId>[]] = [
  { id: 'medium', label: 'Choose the medium', next: 'Nothing is written yet. Next you see what the package will hold.', Step: MediumStep },
  { id: 'preview', label: 'Preview the package', next: 'Nothing is written yet. Next you write the package to the medium; due CRLs are regenerated then.', Step: PreviewStep },
  { id: 'write', label: 'Write', next: 'Pressing Write creates a new folder on the medium, writes and reads back every file, and records the export in the audit log.', Step: WriteStep, writes: true },
  { id: 'verify', label: 'Verification', next: 'The package was read back from the medium and checked against its signed manifest. Next: eject the medium.', Step: VerifyStep },
  { id: 'done', label: 'Eject and remove', next: 'The export is complete. Hand the medium over once it says "Safe to remove".', Step: SafeToRemoveStep },
];

/**
 * Wizard 5, export to removable media: choose the volume, preview the
 * package (export.preview), write it (export.media, the only mutating step)
 * with progress, verify it from the medium (export.verify), then eject it
 * (media.eject) with what was written.
 */
export function ExportWizard() {
  return <ProgressWizard wizard="export" title="Export to removable media" steps={STEPS} operation="export.media" />;
}
