import { DomainError } from '../../core/errors.ts';
import type { ceremonyOps } from '../contract/ceremony.ts';
import type { HandlersFor } from './handler.ts';

export const ceremonyHandlers: HandlersFor<keyof typeof ceremonyOps> = {
  /**
   * One audit event, 'ceremony.transcript', carrying the whole transcript; its
   * actor is the unlocked session's officer and its witnesses are the
   * ceremony's, so the chain names everyone who was in the room.
   */
  'ceremony.record': (input, ctx) => {
    const v = ctx.vault;
    const actor = ctx.actor;
    if (input.participants.officer.trim() !== actor.trim()) {
      throw new DomainError('INVALID_INPUT', `Invalid participants.officer: the transcript's officer must be the officer who unlocked the vault ("${actor}"), not "${input.participants.officer}".`);
    }
    const event = v.transaction(() =>
      v.audit.append({
        actor,
        witnesses: input.participants.witnesses,
        action: 'ceremony.transcript',
        details: { kind: input.kind, outcome: input.outcome, participants: input.participants, steps: input.steps },
      }),
    );
    return { seq: event.seq, at: event.at, hash: event.hash, prevHash: event.prevHash };
  },
};
