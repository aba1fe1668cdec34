import { z } from 'zod';
import { actorName, op, witnessList } from './common.ts';

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

export const ceremonyOps = {
  'ceremony.record': op<CeremonyRecordView>()(ceremonyTranscript, { mutates: true, needsUnlock: true }),
} as const;
