/**
 * RFC 5280 5.3.1 CRLReason names as the api accepts them, with what they mean
 * to an officer. removeFromCRL is left out: it belongs to delta CRLs only, and
 * the api refuses it. The api validates; this list only labels the choices.
 */
export const REVOCATION_REASONS: ReadonlyArray<{ name: string; label: string }> = [
  { name: 'keyCompromise', label: 'Key compromise — the private key was exposed or lost' },
  { name: 'superseded', label: 'Superseded — replaced by a new certificate' },
  { name: 'cessationOfOperation', label: 'Cessation of operation — the machine or service is gone' },
  { name: 'affiliationChanged', label: 'Affiliation changed — the subject moved or changed name' },
  { name: 'privilegeWithdrawn', label: 'Privilege withdrawn — no longer allowed to hold it' },
  { name: 'cACompromise', label: 'CA compromise — the issuing CA key was exposed' },
  { name: 'aACompromise', label: 'AA compromise — the attribute authority was exposed' },
  { name: 'certificateHold', label: 'Certificate hold — suspended' },
  { name: 'unspecified', label: 'Unspecified' },
];

export function reasonLabel(name: string | null): string {
  if (!name) return '';
  return REVOCATION_REASONS.find((r) => r.name === name)?.label.split(' — ')[0] ?? name;
}
