import type { Command } from 'commander';
import type { CrlCalendarEntry, CrlCalendarView } from '../../api/contract.ts';
import type { Action, CliContext } from '../context.ts';
import { int, intFor } from '../options.ts';
import { table } from '../format.ts';

const keyLabel = (e: { keyName: string; keyId: string }) => `${e.keyName} (${e.keyId})`;

function calendarRow(e: CrlCalendarEntry): Array<string | number | null> {
  const s = e.scheduled;
  return [
    e.ca,
    keyLabel(e),
    e.state === 'retired' ? `retired, ${e.liveRevocations} live revocations` : e.state,
    e.lastCrl?.number ?? null,
    e.lastCrl?.thisUpdate ?? null,
    e.lastCrl?.nextUpdate ?? null,
    s ? `${s.count} to ${s.until}${s.stale ? ' STALE' : ''}` : null,
    e.ceremonyBy,
    e.status,
  ];
}

/**
 * The stale pre-signed CRLs of the selected CA (every CA without one), one line each, for the text
 * output of commands after which they may have gone stale (a revocation, a new CRL); empty when none.
 */
export async function staleScheduleNotice(ctx: CliContext): Promise<string> {
  let cal: CrlCalendarView;
  try {
    cal = await ctx.call('crl.calendar', {});
  } catch {
    // The command itself succeeded; a calendar that cannot be read must not make it look failed.
    return '\nThe CRL calendar could not be read: run "crl calendar" to see whether pre-signed CRLs are stale.';
  }
  const stale = cal.entries.filter((e) => e.scheduled?.stale);
  return stale.map((e) => `\nWarning: CA "${e.ca}", key ${keyLabel(e)}: ${e.scheduled!.staleMessage}`).join('');
}

/** `crl calendar` and `crl presign`, added to the `crl` group. */
export function addCrlScheduleCommands(crl: Command, action: Action): void {
  crl
    .command('calendar')
    .description('when the next ceremony must publish each issuer\'s CRL, with the safety margin; --ics writes it for a calendar app')
    .option('--ics <FILE>', 'also write an iCalendar file (RFC 5545) with one event and an alarm per deadline (never overwritten)')
    .option('--margin-days <N>', 'safety margin in days for this run (default: the setting, 2)', intFor('--margin-days', 'crl.calendar', 'marginDays'))
    .action(
      action(async (ctx, opts: { ics?: string; marginDays?: number }) => {
        await ctx.unlock();
        const r = await ctx.call('crl.calendar', { ics: opts.ics, marginDays: opts.marginDays });
        const text = [
          r.entries.length
            ? table(['CA', 'KEY', 'STATE', 'CRL NUMBER', 'THIS UPDATE', 'NEXT UPDATE', 'PRE-SIGNED', 'CEREMONY BY', 'STATUS'], r.entries.map(calendarRow))
            : 'No key must publish a CRL.',
          `Safety margin: ${r.marginDays} days.`,
          ...r.entries.filter((e) => e.scheduled?.stale).map((e) => `Warning: CA "${e.ca}", key ${keyLabel(e)}: ${e.scheduled!.staleMessage}`),
          ...(r.ics ? [`Calendar written to ${r.ics}: ${r.icsEvents} events.`] : []),
        ].join('\n');
        return { json: r, text };
      }),
    );

  crl
    .command('presign')
    .description('sign N CRLs with consecutive, overlapping windows for the online side to publish while nobody is at the workstation')
    .requiredOption('--issuer <KEY>', 'the issuing key (active, trusted, or retired with revoked certificates still valid)')
    // Any whole number reaches the api, which refuses 0 or too many with INVALID_INPUT and says the limit.
    .requiredOption('--count <N>', 'how many CRLs (1 to 120)', int('--count', 0, 1_000_000))
    .option('--validity-days <D>', "each CRL's validity (default: the CA's CRL validity); must exceed the overlap (the safety margin)", intFor('--validity-days', 'crl.presign', 'validityDays'))
    .action(
      action(async (ctx, opts: { issuer: string; count: number; validityDays?: number }) => {
        await ctx.unlock();
        const r = await ctx.call('crl.presign', { issuer: opts.issuer, count: opts.count, validityDays: opts.validityDays });
        const first = r.crls[0]!;
        const last = r.crls[r.crls.length - 1]!;
        const text = [
          `${r.crls.length} CRLs pre-signed for CA "${r.ca}", key ${r.keyName} (${r.issuerKeyId}): numbers ${first.number}–${last.number}, ${r.validityDays} days each, overlapping ${r.overlapDays} days, covering ${first.thisUpdate} to ${last.nextUpdate}; ${first.entries} revoked entries each.`,
          table(['NUMBER', 'THIS UPDATE', 'NEXT UPDATE'], r.crls.map((c) => [c.number, c.thisUpdate, c.nextUpdate])),
          ...(r.replaced ? [`They replace the pre-signed CRLs ${r.replaced.firstNumber}–${r.replaced.lastNumber}.`] : []),
          'They travel with the next export (crl/scheduled/, SCHEDULE.json): "export media --to DIR".',
        ].join('\n');
        return { json: r, text };
      }),
    );
}
