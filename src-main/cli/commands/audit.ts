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
    .action(
      action(async (ctx) => {
        await ctx.unlock();
        const r = await ctx.call('audit.verify', {});
        const text = r.ok ? `Audit chain OK: ${r.count} events, head ${r.head ?? '-'}.` : `Audit chain BROKEN at event ${r.brokenAt}: ${r.reason}.`;
        return { json: r, text, exitCode: r.ok ? EXIT.ok : EXIT.failed };
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
