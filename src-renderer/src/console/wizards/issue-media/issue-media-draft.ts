import type { BatchResult, ProfileName, ProfileView, RenewalBatchResult, RequestFolderFileView, RequestFolderView } from '../../../../../src-main/api/contract.ts';
import { useWizard, useWizardField } from '../wizard-state.ts';

export type IssueMediaStepId = 'folder' | 'profile' | 'confirm' | 'issue' | 'done';

/** The issue-from-media wizard's control, inside its frame. */
export const useIssueMediaWizard = () => useWizard<IssueMediaStepId>();

/** The medium's folder, or a folder below it; the separator follows the medium's own path. */
export function joinMediumPath(root: string, sub: string): string {
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
  // The renewal batch's own report (cert.renewBatch): counts, a line per renewal request, the report files.
  const [renewal, setRenewal] = useWizardField<RenewalBatchResult | null>('issue-media', 'renewal', null);
  // Revoke each renewed certificate (superseded) once its successor is recorded (cert renew-batch --supersede).
  const [supersede, setSupersede] = useWizardField('issue-media', 'supersede', false);
  // The files the officer ticked, by name; only those are signed (and the main process re-checks each by its SHA-256).
  const [ticked, setTicked] = useWizardField<string[]>('issue-media', 'ticked', []);
  // The medium ejected through the platform on the last step (green "Safe to remove" only after).
  const [ejected, setEjected] = useWizardField('issue-media', 'ejected', false);
  const readable = requests?.files.filter((f) => f.ok).length ?? 0;
  const tickable = requests?.files.filter(isTickable) ?? [];
  const chosen = tickable.filter((f) => ticked.includes(f.name));
  // Renewal requests go to cert.renewBatch (each keeps the profile of the certificate it renews); the plain ones to cert.issueBatch.
  const chosenRenewals = chosen.filter((f) => f.kind === 'renewal');
  const chosenRequests = chosen.filter((f) => f.kind === 'csr');
  return {
    medium, setMedium, sub, setSub, requests, setRequests, profiles, setProfiles, profile, setProfile, days, setDays, outDir, setOutDir, result, setResult, renewal, setRenewal, supersede, setSupersede, ticked, setTicked, ejected, setEjected,
    inDir: joinMediumPath(medium, sub),
    tickable,
    chosenRequests,
    chosenRenewals,
    accepted: chosenRequests.length,
    renewals: chosenRenewals.length,
    refused: (requests?.files.length ?? 0) - readable,
    chosenProfile: profiles?.find((p) => p.name === profile) ?? null,
  };
}

/** A request the officer may tick: read and checked, and not asking to be a CA (that is a deliberate flow of its own). */
export function isTickable(f: RequestFolderFileView): boolean {
  return f.ok && f.sha256 !== null && f.request !== null && !f.request.asksForCa;
}

/** "ECDSA P-256", "RSA 3072-bit", "Ed25519". */
export function keyText(k: { type: string; curve: string | null; bits: number }): string {
  if (k.type === 'ec') return `ECDSA ${k.curve ?? `${k.bits}-bit`}`;
  if (k.type === 'rsa') return `RSA ${k.bits}-bit`;
  return 'Ed25519';
}

/** "1 request", "2 requests". */
export function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
