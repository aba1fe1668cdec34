import type { BatchResult, ProfileName, ProfileView, RequestFolderView } from '../../../../../src-main/api/contract.ts';
import { useWizard, useWizardField } from '../wizard-state.ts';

export type IssueMediaStepId = 'folder' | 'profile' | 'confirm' | 'issue' | 'done';

/** The issue-from-media wizard's control, inside its frame. */
export const useIssueMediaWizard = () => useWizard<IssueMediaStepId>();

/** The medium's folder, or a folder below it; the separator follows the medium's own path. */
function joinPath(root: string, sub: string): string {
  const s = sub.trim().replace(/^[\\/]+|[\\/]+$/g, '');
  if (s === '') return root.trim();
  const sep = root.includes('\\') && !root.includes('/') ? '\\' : '/';
  return `${root.trim().replace(/[\\/]+$/, '')}${sep}${s}`;
}

/** What the officer chose and what the api answered, kept over an auto-lock; with what the steps derive from it. */
export function useIssueMediaDraft() {
  const [medium, setMedium] = useWizardField('issue-media', 'medium', '');
  const [sub, setSub] = useWizardField('issue-media', 'sub', '');
  const [requests, setRequests] = useWizardField<RequestFolderView | null>('issue-media', 'requests', null);
  const [profiles, setProfiles] = useWizardField<ProfileView[] | null>('issue-media', 'profiles', null);
  const [profile, setProfile] = useWizardField<ProfileName>('issue-media', 'profile', 'agent');
  const [days, setDays] = useWizardField('issue-media', 'days', '');
  const [outDir, setOutDir] = useWizardField('issue-media', 'outDir', '');
  const [result, setResult] = useWizardField<BatchResult | null>('issue-media', 'result', null);
  const readable = requests?.files.filter((f) => f.ok).length ?? 0;
  // Renewal requests go to cert.renewBatch (each keeps the profile of the certificate it renews); the plain ones to cert.issueBatch.
  const renewals = requests?.files.filter((f) => f.ok && f.kind === 'renewal').length ?? 0;
  const accepted = readable - renewals;
  return {
    medium, setMedium, sub, setSub, requests, setRequests, profiles, setProfiles, profile, setProfile, days, setDays, outDir, setOutDir, result, setResult,
    inDir: joinPath(medium, sub),
    accepted,
    renewals,
    refused: (requests?.files.length ?? 0) - readable,
    chosen: profiles?.find((p) => p.name === profile) ?? null,
  };
}

/** "1 request", "2 requests". */
export function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
