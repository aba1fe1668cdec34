/**
 * The ceremonies a printed kit is written for (docs/architecture.md, "Ceremony
 * kit"). Node-free: the api contract takes its union from here.
 */
export const CEREMONY_KIT_KINDS = ['sub-ca', 'root', 'emergency'] as const;
export type CeremonyKitKind = (typeof CEREMONY_KIT_KINDS)[number];

export const KIT_PAPER_SIZES = ['a4', 'letter'] as const;
export type KitPaperSize = (typeof KIT_PAPER_SIZES)[number];

/** What a key's block on the sheet is for the ceremony. */
export const KIT_KEY_ROLES = ['new-sub-ca', 'new-root', 'root-certificate', 'out', 'in', 'corporate-root'] as const;
export type KitKeyRole = (typeof KIT_KEY_ROLES)[number];

/** One fingerprint on the sheet, as the answer of ceremony.kit gives it back. */
export interface KitFingerprint {
  role: KitKeyRole;
  name: string;
  /** "sha256:" + 64 lowercase hex digits. */
  fingerprint: string;
  /** The 32 PGP words of the fingerprint's bytes. */
  words: string[];
}
