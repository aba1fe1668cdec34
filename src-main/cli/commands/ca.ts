import { Command, Option } from 'commander';
import { KEY_ALGORITHMS } from '../../core/pki/algorithms.ts';
import { PROFILE_NAMES } from '../../core/issuance/profiles.ts';
import type { CaView } from '../../api/contract.ts';
import type { Action } from '../context.ts';
import { identity, lines, table } from '../format.ts';
import { intFor } from '../options.ts';
import { tokenSelector } from './key.ts';

/** The CA's active key as text output names a key: "Name (sha256:…)". */
function activeKey(c: CaView): string | null {
  return c.activeKeyId === null ? null : identity(c.activeKeyName, c.activeKeyId);
}

function caDetails(c: CaView): string {
  return lines([
    ['CA', c.name],
    ['Id', c.id],
    ['Purpose', c.purpose || null],
    ['Created', c.created],
    ['Parent', c.parentName],
    ['Keys', c.keys],
    ['Active key', activeKey(c)],
    ['Trusted window', c.settings.trustedWindowDays === null ? "the vault's setting" : `${c.settings.trustedWindowDays} days`],
    ['CRL validity', c.settings.crlValidityDays === null ? "the vault's setting" : `${c.settings.crlValidityDays} days`],
    ['Profiles', c.settings.allowedProfiles === null ? 'all' : c.settings.allowedProfiles.join(', ')],
    ['Default validity', c.settings.defaultValidityDays === null ? "the profile's" : `${c.settings.defaultValidityDays} days`],
  ]);
}

export function caCommand(action: Action): Command {
  const ca = new Command('ca').description('the certificate authorities of the vault, each with its own keys, certificates and CRLs');

  ca.command('create')
    .description('add a CA to the vault (it starts without keys: "key create --ca NAME")')
    .requiredOption('--name <NAME>', 'a unique name for the CA')
    .option('--purpose <TEXT>', 'what the CA is for, e.g. "agents" or "servers"')
    .option('--parent <CA>', "a CA of this vault whose active key certifies the new CA's first key (a sub-CA; needs --key-name and --subject)")
    .option('--key-name <NAME>', "with --parent: the new CA's first key")
    .addOption(new Option('--algorithm <ALG>', "with --parent: the first key's algorithm").choices([...KEY_ALGORITHMS]).default('ecdsa-p256'))
    .option('--subject <DN>', "with --parent: the first key's subject, e.g. \"CN=Acme Issuing CA,O=Acme\"")
    .option('--days <N>', "with --parent: validity of its certificate (default: the sub-ca profile's)", intFor('--days', 'ca.create', 'days'))
    .option('--token <LABEL>', "with --parent: generate the first key pair on the PKCS#11 token with this label (its private key never leaves it; PIN: --pin-file, AIRGAP_CA_PIN or the prompt)")
    .option('--token-serial <SERIAL>', 'with --parent: the token by its serial number instead of its label')
    .action(
      action(async (ctx, opts: { name: string; purpose?: string; parent?: string; keyName?: string; algorithm: (typeof KEY_ALGORITHMS)[number]; subject?: string; days?: number; token?: string; tokenSerial?: string }) => {
        const token = tokenSelector(opts);
        await ctx.unlock();
        const c = await ctx.call('ca.create', { name: opts.name, purpose: opts.purpose, parent: opts.parent, keyName: opts.keyName, algorithm: opts.algorithm, subject: opts.subject, days: opts.days, ...(token ? { token } : {}) });
        const t = c.firstKeyToken;
        const where = t ? ` It lives on token "${t.label}" (serial ${t.serial}), CKA_ID ${t.ckaId}: the private key never leaves the token, the vault holds its public key only.` : '';
        const first = c.firstKeyId ? `\nIts first key ${identity(opts.keyName, c.firstKeyId)} holds a certificate from "${opts.parent}" (serial ${c.serial}).${where} Activate it with --ca ${c.name} key activate ${opts.keyName}.` : '';
        return { json: c, text: `CA created.\n${caDetails(c)}${first}` };
      }),
    );

  ca.command('list')
    .description('every CA of the vault with its active key')
    .action(
      action(async (ctx) => {
        await ctx.unlock();
        const cs = await ctx.call('ca.list', {});
        return { json: cs, text: table(['CA', 'PARENT', 'PURPOSE', 'KEYS', 'ACTIVE KEY', 'CREATED'], cs.map((c) => [c.name, c.parentName, c.purpose || null, c.keys, activeKey(c), c.created])) };
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

  // "vault" (or "all" for --profiles) sets a setting back to following the vault's; commander keeps a parser's null as
  // "no value", so the word is kept and turned into null below.
  const orVault = (parse: (v: string) => number) => (v: string) => (v === 'vault' ? v : parse(v));
  const unset = <T>(v: T | 'vault' | 'all' | undefined): T | null | undefined => (v === 'vault' || v === 'all' ? null : v);
  ca.command('set')
    .description("change a CA's own settings; \"vault\" makes one follow the vault's setting again")
    .argument('<NAME>', "the CA's name")
    .option('--trusted-window <DAYS|vault>', 'days a replaced active key of this CA stays trusted', orVault(intFor('--trusted-window', 'ca.update', 'trustedWindowDays')))
    .option('--crl-validity <DAYS|vault>', "days from a CRL's thisUpdate to its nextUpdate", orVault(intFor('--crl-validity', 'ca.update', 'crlValidityDays')))
    .option('--profiles <LIST|all>', `the profiles this CA issues, comma-separated (${PROFILE_NAMES.join(', ')})`, (v: string) => (v === 'all' ? v : v.split(',').map((p) => p.trim())))
    .option('--default-days <DAYS|vault>', 'validity when a request names none (vault: the profile\'s default)', orVault(intFor('--default-days', 'ca.update', 'defaultValidityDays')))
    .action(
      action(async (ctx, name: string, opts: { trustedWindow?: number | 'vault'; crlValidity?: number | 'vault'; profiles?: Array<(typeof PROFILE_NAMES)[number]> | 'all'; defaultDays?: number | 'vault' }) => {
        await ctx.unlock();
        const c = await ctx.call('ca.update', {
          name,
          trustedWindowDays: unset(opts.trustedWindow),
          crlValidityDays: unset(opts.crlValidity),
          allowedProfiles: unset(opts.profiles),
          defaultValidityDays: unset(opts.defaultDays),
        });
        return { json: c, text: `Settings of CA "${c.name}" changed.\n${caDetails(c)}` };
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
