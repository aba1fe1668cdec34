import type { ReasonName } from '../../../../src-main/api/contract.ts';

/** The reasons an officer may choose: removeFromCRL belongs to delta CRLs only, and the api refuses it. */
export type RevocableReason = Exclude<ReasonName, 'removeFromCRL'>;

/**
 * RFC 5280 5.3.1 CRLReason names as the api accepts them, with what they mean
 * to an officer, in the order the menu lists them. The api validates; this map
 * only labels the choices, and the compiler checks it names every reason.
 */
const LABELS: Record<RevocableReason, string> = {
  keyCompromise: 'Key compromise — the private key was exposed or lost',
  superseded: 'Superseded — replaced by a new certificate',
  cessationOfOperation: 'Cessation of operation — the machine or service is gone',
  affiliationChanged: 'Affiliation changed — the subject moved or changed name',
  privilegeWithdrawn: 'Privilege withdrawn — no longer allowed to hold it',
  cACompromise: 'CA compromise — the issuing CA key was exposed',
  aACompromise: 'AA compromise — the attribute authority was exposed',
  certificateHold: 'Certificate hold — suspended',
  unspecified: 'Unspecified',
};

export const REVOCATION_REASONS: ReadonlyArray<{ name: RevocableReason; label: string }> = (Object.keys(LABELS) as RevocableReason[]).map((name) => ({ name, label: LABELS[name] }));

function isRevocable(name: string): name is RevocableReason {
  return Object.hasOwn(LABELS, name);
}

export function reasonLabel(name: string | null): string {
  if (!name) return '';
  return isRevocable(name) ? (LABELS[name].split(' — ')[0] ?? name) : name;
}
