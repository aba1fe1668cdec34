import { Command } from 'commander';
import type { CaView } from '../../api/contract.ts';
import type { Action } from '../context.ts';
import { lines, table } from '../format.ts';

function caDetails(c: CaView): string {
  return lines([
    ['CA', c.name],
    ['Id', c.id],
    ['Purpose', c.purpose || null],
    ['Created', c.created],
    ['Keys', c.keys],
    ['Active key', c.activeKeyId],
    ['Trusted window', c.settings.trustedWindowDays === null ? "the vault's setting" : `${c.settings.trustedWindowDays} days`],
    ['CRL validity', c.settings.crlValidityDays === null ? "the vault's setting" : `${c.settings.crlValidityDays} days`],
  ]);
}

export function caCommand(action: Action): Command {
  const ca = new Command('ca').description('the certificate authorities of the vault, each with its own keys, certificates and CRLs');

  ca.command('create')
    .description('add a CA to the vault (it starts without keys: "key create --ca NAME")')
    .requiredOption('--name <NAME>', 'a unique name for the CA')
    .option('--purpose <TEXT>', 'what the CA is for, e.g. "agents" or "servers"')
    .action(
      action(async (ctx, opts: { name: string; purpose?: string }) => {
        await ctx.unlock();
        const c = await ctx.call('ca.create', { name: opts.name, purpose: opts.purpose });
        return { json: c, text: `CA created.\n${caDetails(c)}` };
      }),
    );

  ca.command('list')
    .description('every CA of the vault with its active key')
    .action(
      action(async (ctx) => {
        await ctx.unlock();
        const cs = await ctx.call('ca.list', {});
        return { json: cs, text: table(['CA', 'PURPOSE', 'KEYS', 'ACTIVE KEY', 'CREATED'], cs.map((c) => [c.name, c.purpose || null, c.keys, c.activeKeyId, c.created])) };
      }),
    );

  ca.command('show')
    .description('one CA in detail')
    .argument('<NAME>', "the CA's name")
    .action(
      action(async (ctx, name: string) => {
        await ctx.unlock();
        const c = await ctx.call('ca.show', { name });
        return { json: c, text: caDetails(c) };
      }),
    );

  ca.command('rename')
    .description('give a CA a new name (its keys, certificates and CRLs stay with it)')
    .argument('<NAME>', "the CA's current name")
    .argument('<NEW_NAME>', 'the new name')
    .action(
      action(async (ctx, name: string, newName: string) => {
        await ctx.unlock();
        const c = await ctx.call('ca.rename', { name, newName });
        return { json: c, text: `CA "${name}" is now "${c.name}".\n${caDetails(c)}` };
      }),
    );

  return ca;
}
