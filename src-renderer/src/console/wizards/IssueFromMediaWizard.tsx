import { ConfirmStep } from './issue-media/ConfirmStep.tsx';
import { DoneStep } from './issue-media/DoneStep.tsx';
import { FolderStep } from './issue-media/FolderStep.tsx';
import type { IssueMediaStepId } from './issue-media/issue-media-draft.ts';
import { IssueStep } from './issue-media/IssueStep.tsx';
import { ProfileStep } from './issue-media/ProfileStep.tsx';
import { ProgressWizard } from './WizardFrame.tsx';
import type { WizardStepDef } from './wizard-state.ts';

const STEPS: readonly [WizardStepDef<IssueMediaStepId>, ...WizardStepDef<IssueMediaStepId>[]] = [
  { id: 'folder', label: 'Requests folder', next: 'Nothing is issued yet. Choose the medium and the folder holding the requests (CSRs); they are read and checked, not signed.', Step: FolderStep },
  { id: 'profile', label: 'Profile and validity', next: 'Nothing is issued yet. Next you confirm what will be signed.', Step: ProfileStep },
  { id: 'confirm', label: 'Confirm', next: 'Nothing is issued until you press Issue. Then the active key signs every accepted request and the certificates are written to the output folder.', Step: ConfirmStep, writes: true },
  { id: 'issue', label: 'Issue', next: 'The certificates are recorded in the vault and written to the medium. Check the result of each file below.', Step: IssueStep },
  { id: 'done', label: 'Done', next: 'Eject the medium before pulling it out (green “Safe to remove” only after), then carry the certificates to the agents.', Step: DoneStep },
];

/**
 * Wizard 4, issue from media: the requests folder (media.readRequests shows
 * which files will be signed and which are refused, and why), the profile and
 * validity, a confirm step, then cert.issueBatch — the only mutating call —
 * with progress and a result per file, and where the certificates went.
 */
export function IssueFromMediaWizard() {
  return <ProgressWizard wizard="issue-media" title="Issue from media" steps={STEPS} operation="cert.issueBatch" />;
}
