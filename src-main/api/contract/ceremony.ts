import { z } from 'zod';
import { CEREMONY_KIT_KINDS, KIT_PAPER_SIZES, type CeremonyKitKind, type KitFingerprint } from '../../core/ceremony/kit-kinds.ts';
import { actorName, filePath, op, witnessList } from './common.ts';

export { CEREMONY_KIT_KINDS, KIT_PAPER_SIZES };
export type { CeremonyKitKind, KitFingerprint };

/** What ceremony.kit answers: the sheet written, what it prints, and the event that records it. */
export interface CeremonyKitView {
  file: string;
  ceremony: CeremonyKitKind;
  /** SHA-256 of the HTML file, as the audit event records it. */
  sha256: string;
  vaultId: string;
  at: string;
  timeZone: string;
  /** Every fingerprint on the sheet, in its order, with its PGP words. */
  fingerprints: KitFingerprint[];
  /** The audit head the sheet prints (the event before its own). */
  auditHead: { seq: number; hash: string } | null;
  /** The ceremony.kit-written event. */
  event: { seq: number; hash: string };
}

/** What ceremony.record answers: where the transcript sits in the audit chain. */
export interface CeremonyRecordView {
  seq: number;
  at: string;
  hash: string;
  prevHash: string;
}

export const CEREMONY_KINDS = ['emergency-rotation'] as const;
/** incomplete: the new key is active but the export was skipped, so agents still trust the compromised key. */
export const CEREMONY_OUTCOMES = ['completed', 'incomplete', 'failed', 'abandoned'] as const;
export type CeremonyOutcome = (typeof CEREMONY_OUTCOMES)[number];

const transcriptStep = z.strictObject({
  at: z.iso.datetime({ offset: true }),
  step: z.string().trim().min(1, 'name the step').max(100),
  by: actorName,
  detail: z.string().trim().max(2000).default(''),
});

/**
 * A ceremony's transcript, written by the officer's console as the ceremony
 * ends: who took part, each step with its time and who did it, and how it
 * ended. Every step is done by a participant; at least one witness watched.
 */
export const ceremonyTranscript = z
  .strictObject({
    kind: z.enum(CEREMONY_KINDS),
    participants: z.strictObject({
      officer: actorName,
      witnesses: witnessList.min(1, 'an emergency ceremony needs at least one witness by name'),
    }),
    steps: z.array(transcriptStep).min(1, 'a transcript holds at least one step').max(200),
    outcome: z.enum(CEREMONY_OUTCOMES),
  })
  .superRefine((t, ctx) => {
    const names = new Set([t.participants.officer, ...t.participants.witnesses].map((n) => n.trim().toLowerCase()));
    if (names.size !== t.participants.witnesses.length + 1) {
      ctx.addIssue({ code: 'custom', path: ['participants', 'witnesses'], message: 'each participant is named once, and a witness is not the officer' });
    }
    t.steps.forEach((s, i) => {
      if (!names.has(s.by.trim().toLowerCase())) ctx.addIssue({ code: 'custom', path: ['steps', i, 'by'], message: `"${s.by}" is not a participant of the ceremony` });
    });
  });

export type CeremonyTranscript = z.output<typeof ceremonyTranscript>;

const keyRef = z.string().trim().min(1, 'name the key (its id, an 8+ digit id prefix, or its name)').max(200);

export const ceremonyOps = {
  'ceremony.record': op<CeremonyRecordView>()(ceremonyTranscript, { mutates: true, needsUnlock: true, ca: 'one' }),
  /**
   * The printed ceremony kit: one HTML sheet (docs/architecture.md, "Ceremony kit"), recorded
   * (ceremony.kit-written) before it is written. `key` is the ceremony's new key (for an emergency:
   * IN; OUT is the CA's active key). `out` names the file, or `to` a folder the sheet is written into
   * under its own name; exactly one of the two.
   */
  'ceremony.kit': op<CeremonyKitView>()(
    z.strictObject({
      ceremony: z.enum(CEREMONY_KIT_KINDS),
      key: keyRef,
      witnesses: witnessList.default([]),
      out: filePath.optional(),
      to: filePath.optional(),
      paper: z.enum(KIT_PAPER_SIZES).default('a4'),
      /** The local time zone printed next to UTC (IANA name); default the host's. */
      timeZone: z.string().trim().min(1).max(64).optional(),
    }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
} as const;
