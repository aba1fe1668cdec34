import { Command } from 'commander';
import type { Action } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { table } from '../format.ts';

export function auditCommand(action: Action): Command {
  const audit = new Command('audit').description('the hash-chained audit log');

  audit
    .command('list')
    .description('events, oldest first')
    .option('--since <ISO>', 'only events at or after this time (ISO 8601)')
    .action(
      action(async (ctx, opts: { since?: string }) => {
        await ctx.unlock();
        const r = await ctx.call('audit.list', { since: opts.since });
        const text = r.events.length
          ? table(
              ['SEQ', 'TIME (UTC)', 'ACTOR', 'ACTION', 'DETAILS'],
              r.events.map((e) => [e.seq, e.at, e.witnesses.length ? `${e.actor} (witnesses: ${e.witnesses.join(', ')})` : e.actor, e.action, JSON.stringify(e.details)]),
            )
          : 'No events.';
        return { json: r, text };
      }),
    );

  audit
    .command('verify')
    .description('verify the hash chain; exit 1 and name the first broken event')
    .option('--checkpoint <PATH>', 'an export package folder or a checkpoint file (audit checkpoint --out): exit 1 unless this chain contains its signed audit head')
    .action(
      action(async (ctx, opts: { checkpoint?: string }) => {
        await ctx.unlock();
        const r = await ctx.call('audit.verify', { checkpoint: opts.checkpoint });
        const cp = r.checkpoint;
        const keyed = r.keyedFrom === null || r.keyedFrom > r.count ? '' : r.keyedFrom === 1 ? ' (every event keyed)' : ` (events 1–${r.keyedFrom - 1} plain SHA-256, from ${r.keyedFrom} keyed)`;
        const chain = r.brokenAt === null ? `Audit chain OK: ${r.count} events${keyed}, head ${r.head ?? '-'}.` : `Audit chain BROKEN at event ${r.brokenAt}: ${r.reason}.`;
        const checkpointText = !cp
          ? ''
          : cp.status === 'contains'
            ? `\nCheckpoint OK: the chain contains event ${cp.seq} (${cp.hash}) from ${cp.source}.`
            : cp.status === 'behind'
              ? `\nCheckpoint FAILED (behind): the checkpoint in ${cp.source} is at event ${cp.seq}, but this vault's chain ends at ${cp.currentSeq ?? 0}. The vault was rolled back or restored from an older backup: what happened after event ${cp.currentSeq ?? 0} (revocations, rotations) is missing.`
              : `\nCheckpoint FAILED (differs): event ${cp.seq} in this vault is not the one recorded in ${cp.source} (${cp.hash}). The chain was rolled back and written on since, or the history was rewritten, after that package was exported.`;
        const text = chain + checkpointText;
        return { json: r, text, exitCode: r.ok ? EXIT.ok : EXIT.failed };
      }),
    );

  audit
    .command('checkpoint')
    .description('write the audit head, signed by the active key, to a checkpoint file to keep off the machine')
    .requiredOption('--out <FILE>', 'the checkpoint file (never overwritten)')
    .action(
      action(async (ctx, opts: { out: string }) => {
        await ctx.unlock();
        const r = await ctx.call('audit.checkpoint', { out: opts.out });
        return {
          json: r,
          text: `Checkpoint written to ${r.file}: audit event ${r.seq}, ${r.hash}, signed by ${r.signingKeyId}.\nKeep it off this machine; "audit verify --checkpoint ${r.file}" shows later whether the vault still contains this event.`,
        };
      }),
    );

  audit
    .command('export')
    .description('write every event as JSON Lines')
    .requiredOption('--out <FILE>', 'the JSON Lines file (never overwritten)')
    .action(
      action(async (ctx, opts: { out: string }) => {
        await ctx.unlock();
        const r = await ctx.call('audit.export', { out: opts.out });
        return { json: r, text: `${r.events} events written to ${r.file}.` };
      }),
    );

  return audit;
}
