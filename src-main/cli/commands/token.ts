import { Command } from 'commander';
import { DomainError } from '../../core/errors.ts';
import type { Action } from '../context.ts';
import { table } from '../format.ts';

export function tokenCommand(action: Action): Command {
  const token = new Command('token').description('PKCS#11 tokens that hold CA keys: the module, the tokens it sees');

  token
    .command('list')
    .description('the tokens the PKCS#11 module sees: label, serial, maker, model, PIN state, Ed25519 support')
    .action(
      action(async (ctx) => {
        await ctx.unlock();
        const ts = await ctx.call('token.list', {});
        const text = ts.length
          ? table(
              ['SLOT', 'LABEL', 'SERIAL', 'MANUFACTURER', 'MODEL', 'INITIALISED', 'PIN', 'ED25519'],
              ts.map((t) => [t.slot, t.label, t.serial, t.manufacturer, t.model, t.initialized ? 'yes' : 'no', t.pinLocked ? 'LOCKED' : 'ok', t.eddsa ? 'yes' : 'no (no CKM_EDDSA)']),
            )
          : 'The PKCS#11 module sees no token. Insert one and try again.';
        return { json: ts, text };
      }),
    );

  token
    .command('module')
    .description("show or set the vault's PKCS#11 module (settings.pkcs11Module); AIRGAP_CA_PKCS11_MODULE wins over it")
    .argument('[PATH]', 'absolute path of the module (.so, .dll, .dylib)')
    .option('--clear', 'remove the setting')
    .action(
      action(async (ctx, path: string | undefined, opts: { clear?: boolean }) => {
        if (path !== undefined && opts.clear) throw new DomainError('INVALID_INPUT', 'Give a PATH or --clear, not both.');
        await ctx.unlock();
        const s = path !== undefined || opts.clear ? await ctx.call('settings.update', { pkcs11Module: opts.clear ? null : path }) : await ctx.call('settings.get', {});
        // Empty is unset, as for loading the module (context.ts).
        const env = ctx.env.AIRGAP_CA_PKCS11_MODULE || undefined;
        const text = `PKCS#11 module: ${s.pkcs11Module ?? '(none set)'}${env ? `\nAIRGAP_CA_PKCS11_MODULE overrides it in this shell: ${env}` : ''}`;
        return { json: { pkcs11Module: s.pkcs11Module, environment: env ?? null }, text };
      }),
    );

  return token;
}
