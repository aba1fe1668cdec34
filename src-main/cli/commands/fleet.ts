import { Command, Option } from 'commander';
import type { FleetStatus, ReceiptImportView } from '../../api/contract.ts';
import type { Action } from '../context.ts';
import { identity, lines, table } from '../format.ts';


function yesNo(v: boolean | null): string {
  return v === null ? '-' : v ? 'yes' : 'no';
}

function importText(r: ReceiptImportView): string {
  const refused = Object.entries(r.refused);
  const total = refused.reduce((n, [, c]) => n + (c ?? 0), 0);
  const head = `${r.stored ? 'Imported' : 'Checked'} ${r.files.length} receipt file(s) from ${r.dir}: ${r.accepted} accepted, ${r.duplicates} duplicate(s), ${total} refused.`;
  const byCode = refused.length ? '\n' + table(['REFUSED', 'COUNT'], refused.map(([code, n]) => [code, n ?? 0])) : '';
  const files = r.files.filter((f) => f.status === 'refused');
  const detail = files.length ? '\n' + files.map((f) => `${f.file}: ${f.code} - ${f.message}`).join('\n') : '';
  return head + byCode + detail + (r.stored ? '' : '\nNothing was stored.');
}

function statusText(s: FleetStatus): string {
  const head = lines([
    ['Agents known', s.agents],
    ['Receipts', s.receipts],
    ['Bundle', s.bundle ? `version ${s.bundle.version}, sha256 ${s.bundle.sha256}` : 'none written yet ("bundle write" or "export media")'],
    ['Activation needs', `${s.threshold}% of agents`],
  ]);
  const rows = s.keys.map((k) => [
    identity(k.name, k.keyId),
    k.state,
    `${k.trusting} (${k.trustingPercent}%)`,
    k.liveLeaves,
    k.superseded,
    k.remaining,
    k.daysLeft === null ? '-' : k.daysLeft,
    yesNo(k.safeToActivate),
    yesNo(k.safeToRetire),
  ]);
  return head + '\n\n' + table(['KEY', 'STATE', 'TRUSTING', 'LIVE', 'SUPERSEDED', 'REMAINING', 'DAYS LEFT', 'SAFE TO ACTIVATE', 'SAFE TO RETIRE'], rows);
}

export function fleetCommand(action: Action): Command {
  const fleet = new Command('fleet').description("evidence from the fleet: which agents installed which trust bundle, and who is left on an old key");

  fleet
    .command('import-receipts')
    .description('import the signed bundle receipts (*.receipt.json + .sig) agents wrote to a medium')
    .requiredOption('--from <DIR>', 'the folder holding the receipts')
    .option('--check', 'only check the receipts and show what an import would do; store nothing')
    .action(
      action(async (ctx, opts: { from: string; check?: boolean }) => {
        await ctx.unlock();
        const r = await ctx.call(opts.check ? 'fleet.checkReceipts' : 'fleet.importReceipts', { dir: opts.from });
        return { json: r, text: importText(r) };
      }),
    );

  fleet
    .command('status')
    .description('agents known, and for each staged, active and trusted key how many trust it and how many leaves remain')
    .action(
      action(async (ctx) => {
        await ctx.unlock();
        const s = await ctx.call('fleet.status', {});
        return { json: s, text: statusText(s) };
      }),
    );

  fleet
    .command('remaining')
    .description("write the re-bootstrap list: a key's live certificates whose agents have no newer one")
    .requiredOption('--key <KEY>', 'the key (usually the trusted key to retire)')
    .requiredOption('--out <FILE>', 'the list file (never overwritten)')
    .addOption(new Option('--format <F>', 'file format').choices(['csv', 'json']).default('csv'))
    .action(
      action(async (ctx, opts: { key: string; out: string; format: 'csv' | 'json' }) => {
        await ctx.unlock();
        const r = await ctx.call('fleet.remaining', { key: opts.key, out: opts.out, format: opts.format });
        const k = await ctx.call('key.show', { key: r.keyId });
        return { json: r, text: `${r.count} certificate(s) of ${identity(k.name, r.keyId)} remain; the list is in ${r.file} (${r.format}).` };
      }),
    );

  return fleet;
}
