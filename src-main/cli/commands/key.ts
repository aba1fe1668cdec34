import { Command, Option } from 'commander';
import { KEY_ALGORITHMS } from '../../core/pki/algorithms.ts';
import { hasControlCharacters, printableLine } from '../../core/safe-text.ts';
import type { KeyView } from '../../api/contract.ts';
import { DomainError } from '../../core/errors.ts';
import type { Action } from '../context.ts';
import { intFor } from '../options.ts';
import { identities, identity, lines, table } from '../format.ts';
import { CliFailure } from '../context.ts';
import { promptHidden, readPassphraseFile } from '../secrets.ts';


function healthText(k: KeyView): string {
  if (k.health.ok && k.health.problems.length === 0) return 'ok';
  return (k.health.ok ? 'warn: ' : 'FAULT: ') + k.health.problems.join('; ');
}

function crlText(k: KeyView): string {
  switch (k.crl.status) {
    case 'none':
      return k.state === 'draft' ? '-' : 'never published';
    case 'ok':
      return `#${k.crl.lastNumber} until ${k.crl.nextUpdate}`;
    case 'due':
      return `DUE: #${k.crl.lastNumber} expires ${k.crl.nextUpdate}`;
    case 'expired':
      return `EXPIRED since ${k.crl.nextUpdate}`;
  }
}

/** "retired for compromise on DATE by ACTOR": why and by whom a retired key was retired; null while it is not retired. */
export function retiredText(k: KeyView): string | null {
  const r = k.retired;
  if (!r) return null;
  const why = r.reason === 'compromise' ? 'retired for compromise' : r.reason === 'routine' ? 'retired (routine)' : 'retired (reason not recorded)';
  return `${why} on ${r.at}${r.by === null ? '' : ` by ${r.by}`}`;
}

function stateText(k: KeyView): string {
  return k.retired?.reason === 'compromise' ? 'retired (compromise)' : k.state;
}

export function keyDetails(k: KeyView): string {
  return lines([
    ['Key', k.id],
    ['Name', k.name],
    ['State', stateText(k)],
    ...(k.retired ? [['Retired', retiredText(k)] as [string, string | null]] : []),
    ['Algorithm', k.algorithm],
    ['Subject', k.subject],
    ['Issuer', k.selfSigned ? `${k.issuer} (self-signed root)` : k.issuer],
    ['NotBefore', k.notBefore],
    ['NotAfter', k.notAfter],
    ['Trusted until', k.trustedUntil],
    ['Issued, unexpired', k.unexpiredIssued],
    ['CRL', crlText(k)],
    ['Health', healthText(k)],
    ...(k.token ? [['Lives on', tokenText(k.token)] as [string, string | null]] : []),
  ]);
}

/** Where a token key lives, and whether it is usable now. */
function tokenText(t: NonNullable<KeyView['token']>): string {
  return `token "${t.label}" (serial ${t.serial}, ${t.manufacturer} ${t.model}), CKA_ID ${t.ckaId}: ${t.status === 'OK' ? 'present, signs' : `${t.status}: ${t.message}`}`;
}

/** --token LABEL or --token-serial SERIAL (not both); undefined for neither. */
export function tokenSelector(opts: { token?: string; tokenSerial?: string }): { label: string } | { serial: string } | undefined {
  if (opts.token !== undefined && opts.tokenSerial !== undefined) throw new DomainError('INVALID_INPUT', 'Give --token LABEL or --token-serial SERIAL, not both.');
  if (opts.token !== undefined) return { label: opts.token };
  if (opts.tokenSerial !== undefined) return { serial: opts.tokenSerial };
  return undefined;
}

export function keyCommand(action: Action): Command {
  const key = new Command('key').description('CA signing keys: create, certify, activate, rotate, retire');

  key
    .command('create')
    .description('generate a draft signing key in the vault, or on a PKCS#11 token (--token)')
    .requiredOption('--name <NAME>', 'a unique name for the key')
    .addOption(new Option('--algorithm <ALG>', 'key algorithm').choices([...KEY_ALGORITHMS]).default('ecdsa-p256'))
    .option('--token <LABEL>', 'generate the key pair on the PKCS#11 token with this label (its private key never leaves it)')
    .option('--token-serial <SERIAL>', 'the token by its serial number instead of its label')
    .action(
      action(async (ctx, opts: { name: string; algorithm: (typeof KEY_ALGORITHMS)[number]; token?: string; tokenSerial?: string }) => {
        await ctx.unlock();
        const token = tokenSelector(opts);
        const k = await ctx.call('key.create', { name: opts.name, algorithm: opts.algorithm, ...(token ? { token } : {}) });
        return { json: k, text: `Draft key created${token ? ' on the token' : ''}.\n${keyDetails(k)}` };
      }),
    );

  key
    .command('adopt')
    .description('take an existing key pair on a PKCS#11 token into the vault as a draft')
    .requiredOption('--name <NAME>', 'a unique name for the key')
    .option('--token <LABEL>', 'the token by its label')
    .option('--token-serial <SERIAL>', 'the token by its serial number')
    .requiredOption('--id <HEX>', "the key pair's CKA_ID on the token, in hex")
    .action(
      action(async (ctx, opts: { name: string; token?: string; tokenSerial?: string; id: string }) => {
        const token = tokenSelector(opts);
        if (!token) throw new DomainError('INVALID_INPUT', 'Name the token: --token LABEL or --token-serial SERIAL.');
        await ctx.unlock();
        const k = await ctx.call('key.adopt', { name: opts.name, token, id: opts.id });
        return { json: k, text: `Draft key adopted from the token.\n${keyDetails(k)}` };
      }),
    );

  key
    .command('list')
    .description('every key with state, validity, window, CRL and health')
    .action(
      action(async (ctx) => {
        await ctx.unlock();
        const ks = await ctx.call('key.list', {});
        const compromise = await ctx.call('key.compromise', {});
        // Without --ca on a vault of several CAs the list holds every CA's keys: a CA column says whose.
        const severalCas = new Set(ks.map((k) => k.caId)).size > 1;
        const text = ks.length
          ? table(
              [...(severalCas ? ['CA'] : []), 'KEY', 'STATE', 'ALGORITHM', 'NOT BEFORE', 'NOT AFTER', 'TRUSTED UNTIL', 'CRL', 'HEALTH'],
              ks.map((k) => [...(severalCas ? [k.ca] : []), identity(k.name, k.id), stateText(k), k.algorithm, k.notBefore, k.notAfter, k.trustedUntil, crlText(k), healthText(k)]),
            ) +
            // A compromised key is said in full under the table: when and by whom.
            ks
              .filter((k) => k.retired?.reason === 'compromise')
              .map((k) => `\nKey "${k.name}" (${k.id}) was ${retiredText(k)}.`)
              .join('') +
            (compromise && !compromise.exported
              ? `\nThe rotation away from "${compromise.key.name}" has not been exported: agents still trust it. Export now with "export media --to DIR".`
              : '')
          : 'No signing keys yet. Create one with "key create --name NAME".';
        return { json: ks, text };
      }),
    );

  key
    .command('show')
    .description('one key in detail, with its certificate chain')
    .argument('<KEY>', 'key id, id prefix (8+ hex digits) or name')
    .action(
      action(async (ctx, ref: string) => {
        await ctx.unlock();
        const k = await ctx.call('key.show', { key: ref });
        const chain = k.chain.length
          ? '\n\nChain:\n' + table(['#', 'SUBJECT', 'ISSUER', 'NOT AFTER', 'CA', 'PATHLEN'], k.chain.map((c) => [c.position, c.subject, c.issuer, c.notAfter, c.isCa ? 'yes' : 'no', c.pathLength]))
          : '';
        return { json: k, text: keyDetails(k) + chain };
      }),
    );

  key
    .command('self-sign')
    .description('give a draft a self-signed CA certificate (standalone root)')
    .argument('<KEY>', 'the draft key')
    .requiredOption('--subject <DN>', 'subject, e.g. "CN=Acme Agents Root CA,O=Acme,C=DE"')
    .option('--days <N>', 'validity in days (default 3650)', intFor('--days', 'key.selfSign', 'days'))
    .option('--path-length <N>', 'basicConstraints pathLenConstraint', intFor('--path-length', 'key.selfSign', 'pathLength'))
    .action(
      action(async (ctx, ref: string, opts: { subject: string; days?: number; pathLength?: number }) => {
        await ctx.unlock();
        const k = await ctx.call('key.selfSign', { key: ref, subject: opts.subject, days: opts.days, pathLength: opts.pathLength });
        return { json: k, text: `Self-signed certificate made. Activate it with "key activate ${k.name}".\n${keyDetails(k)}` };
      }),
    );

  key
    .command('csr')
    .description('export a PKCS#10 request for a corporate root to sign (sub-CA)')
    .argument('<KEY>', 'the draft key')
    .requiredOption('--subject <DN>', 'subject, e.g. "CN=Acme Agents Issuing CA,O=Acme,C=DE"')
    .requiredOption('--out <FILE>', 'where to write the request (never overwritten)')
    .addOption(new Option('--format <F>', 'file format').choices(['pem', 'der']).default('pem'))
    .action(
      action(async (ctx, ref: string, opts: { subject: string; out: string; format: 'pem' | 'der' }) => {
        await ctx.unlock();
        const r = await ctx.call('key.csr', { key: ref, subject: opts.subject, out: opts.out, format: opts.format });
        return { json: r, text: `Request written to ${r.file}. Have the corporate root sign it, then run "key import-chain ${ref} --file CHAIN".` };
      }),
    );

  key
    .command('import-chain')
    .description('import the signed chain (PEM bundle, DER or PKCS#7) for a draft')
    .argument('<KEY>', 'the draft key')
    .requiredOption('--file <FILE>', 'the chain file')
    .option('--root-fingerprint <HEX>', 'SHA-256 of the root certificate, compared with the one the corporate PKI publishes (needed once per root)')
    .action(
      action(async (ctx, ref: string, opts: { file: string; rootFingerprint?: string }) => {
        await ctx.unlock();
        const k = await ctx.call('key.importChain', { key: ref, source: { path: opts.file }, rootFingerprint: opts.rootFingerprint });
        const flagged = k.chain.filter((c) => c.subjectSpoofing.length > 0 || hasControlCharacters(c.subject));
        const chars = [...new Set(flagged.flatMap((c) => c.subjectSpoofing))];
        const warning = flagged.length
          ? `\nWARNING: ${flagged.map((c) => printableLine(c.subject)).join('; ')} ${flagged.length === 1 ? 'has' : 'have'} control, bidi or zero-width characters in the name${chars.length ? ` (${chars.join(', ')})` : ''}: it may display as another name. Compare the root fingerprint, not the name.`
          : '';
        return { json: k, text: `Chain imported and checked (${k.chain.length} certificates). Activate with "key activate ${k.name}".${warning}\n${keyDetails(k)}` };
      }),
    );

  key
    .command('stage')
    .description('put a draft into the trust bundle and trust anchor (state staged) without signing with it, so the fleet learns it first')
    .argument('<KEY>', 'the draft key, with its certificate')
    .action(
      action(async (ctx, ref: string) => {
        await ctx.unlock();
        const r = await ctx.call('key.stage', { key: ref });
        const text = [
          `Key "${r.staged.name}" is staged: it is in the trust bundle and trust-anchor.json, and signs nothing yet.`,
          `The trust bundle now holds ${r.bundleKeyIds.length} key(s): ${identities(r.bundleKeyIds, await ctx.call('key.list', {}))}.`,
          'Next: export the bundle ("export media --to DIR"), import the agents\' receipts ("fleet import-receipts --from DIR"), and activate it when "fleet status" says it is safe.',
        ].join('\n');
        return { json: r, text };
      }),
    );

  key
    .command('import')
    .description("bring an existing CA's key in: a private key with its CA certificate, or a PKCS#12 file")
    .requiredOption('--name <NAME>', 'a unique name for the key')
    .option('--key <FILE>', 'the private key: PKCS#8 (PEM or DER, encrypted or not) or traditional OpenSSL RSA/EC PEM')
    .option('--cert <FILE>', "the key's CA certificate (PEM or DER)")
    .option('--p12 <FILE>', 'a PKCS#12 file holding the key and its certificate (openssl pkcs12 -export)')
    .option('--chain <FILE>', 'the issuers above the certificate, up to the root (PEM bundle, DER or PKCS#7), for a sub-CA')
    .option('--key-password-file <FILE>', "the key file's or PKCS#12 file's password (else a hidden prompt on a terminal)")
    .option('--root-fingerprint <HEX>', "SHA-256 of the chain's root certificate, when the vault does not trust that root yet (a sub-CA)")
    .addOption(new Option('--state <STATE>', 'where the key lands in the lifecycle').choices(['draft', 'active', 'trusted']).default('draft'))
    .option('--trusted-window <DAYS>', 'with --state trusted: days it stays in the trust bundle (default: the setting)', intFor('--trusted-window', 'key.import', 'trustedWindowDays'))
    .option('--token <LABEL>', 'put the private key on the PKCS#11 token with this label (not extractable) instead of wrapping it in the vault')
    .option('--token-serial <SERIAL>', 'the token by its serial number instead of its label')
    .action(
      action(async (ctx, opts: { name: string; key?: string; cert?: string; p12?: string; chain?: string; keyPasswordFile?: string; rootFingerprint?: string; state: 'draft' | 'active' | 'trusted'; trustedWindow?: number; token?: string; tokenSerial?: string }) => {
        const token = tokenSelector(opts);
        await ctx.unlock();
        const input = {
          ...(token ? { token } : {}),
          name: opts.name,
          ...(opts.key ? { keyFile: { path: opts.key } } : {}),
          ...(opts.cert ? { certificate: { path: opts.cert } } : {}),
          ...(opts.p12 ? { p12: { path: opts.p12 } } : {}),
          ...(opts.chain ? { chain: { path: opts.chain } } : {}),
          rootFingerprint: opts.rootFingerprint,
          state: opts.state,
          trustedWindowDays: opts.trustedWindow,
        };
        const fromFile = opts.keyPasswordFile === undefined ? undefined : readPassphraseFile(opts.keyPasswordFile);
        let k;
        try {
          k = await ctx.call('key.import', { ...input, ...(fromFile === undefined ? {} : { password: fromFile }) });
        } catch (e) {
          // An encrypted key without --key-password-file: ask on the terminal (never as an argument), once.
          if (!(e instanceof CliFailure && e.code === 'KEY_IMPORT_PASSWORD_REQUIRED' && fromFile === undefined && process.stdin.isTTY)) throw e;
          k = await ctx.call('key.import', { ...input, password: await promptHidden(`Password of ${opts.p12 ?? opts.key}: `) });
        }
        const where = k.state === 'draft' ? `It is a draft: activate it with "key activate ${k.name}".` : k.state === 'active' ? 'It is the active key of this CA.' : `It is trusted until ${k.trustedUntil}.`;
        const pinned = k.root.pinnedNow ? `\nRoot pinned: ${printableLine(k.root.subject)}, SHA-256 ${k.root.fingerprint}.` : '';
        return { json: k, text: `Key imported from ${k.source}. ${where}${pinned}\n${keyDetails(k)}` };
      }),
    );

  key
    .command('activate')
    .description('make a draft or staged key the active key; the previous active key stays trusted for the window')
    .argument('<KEY>', 'the draft or staged key')
    .option('--trusted-window <DAYS>', 'days the previous active key stays in the trust bundle', intFor('--trusted-window', 'key.activate', 'trustedWindowDays'))
    .option('--emergency', 'retire the previous active key now and revoke what it issued (needs --witness)')
    .option('--witness-share <FILE>', "with --emergency: a custodian's share of the vault's quorum, the witnesses' proof; repeat once per share (k needed)", (v: string, p: string[] = []) => [...p, v])
    .option('--no-link', 'do not sign a link certificate from the previous root')
    .option('--force', 'activate a staged key although fewer agents than settings.activationReadiness trust it (audited; needs --reason)')
    .option('--reason <TEXT>', 'why (required with --force)')
    .action(
      action(async (ctx, ref: string, opts: { trustedWindow?: number; emergency?: boolean; witnessShare?: string[]; link: boolean; force?: boolean; reason?: string }) => {
        await ctx.unlock();
        const r = await ctx.call('key.activate', {
          key: ref,
          trustedWindowDays: opts.trustedWindow,
          emergency: Boolean(opts.emergency),
          witnesses: ctx.witnesses,
          witnessShares: ctx.witnessShareInputs(opts.witnessShare),
          linkFromPrevious: opts.link ? undefined : false,
          force: Boolean(opts.force),
          reason: opts.reason,
        });
        const prev = r.previous
          ? r.previous.state === 'retired'
            ? `Previous key "${r.previous.name}" retired; ${r.revokedCount} certificates it issued were revoked (keyCompromise).`
            : `Previous key "${r.previous.name}" stays trusted until ${r.previous.trustedUntil}.`
          : 'There was no previous active key.';
        const text = [
          `Key "${r.activated.name}" is now active.`,
          prev,
          ...(r.witnessShares
            ? [
                `Witnessed by ${r.witnessShares.shares.length} custodian shares of quorum slot ${r.witnessShares.slotId} (${r.witnessShares.threshold} of ${r.witnessShares.total} needed), each checked against the vault: ${r.witnessShares.shares
                  .map((s) => `share ${s.index} (${s.holder === null ? 'holder not recorded' : `held by ${printableLine(s.holder)}`})`)
                  .join(', ')}.`,
              ]
            : []),
          ...(r.linkCertificate ? ['A link certificate from the previous root was signed and added to the trust bundle.'] : []),
          `The trust bundle now holds ${r.bundleKeyIds.length} key(s): ${identities(r.bundleKeyIds, await ctx.call('key.list', {}))}.`,
          ...(r.readiness
            ? [`Fleet readiness: ${r.readiness.trusting} of ${r.readiness.agents} known agents (${r.readiness.percent}%) trusted it; the threshold is ${r.readiness.threshold}%.${r.forcedReason !== null ? ` Activated below it with --force: "${r.forcedReason}" (audited).` : ''}`]
            : []),
          ...(r.from === 'draft' && r.previous && !opts.emergency
            ? [
                `It was activated straight from draft: agents learn it from ${r.linkCertificate ? 'the link certificate and the trusted window' : 'the next export, while the trusted window keeps the previous key'}. Staging first ("key stage") lets the fleet learn a key in advance, and "fleet status" shows when it has.`,
              ]
            : []),
        ].join('\n');
        return { json: r, text };
      }),
    );

  key
    .command('retire')
    .description('drop a trusted (or staged) key from the trust bundle')
    .argument('<KEY>', 'the trusted or staged key')
    .option('--force', 'retire even before the window ends or while agents still hold only its certificates (audited)')
    .option('--reason <TEXT>', 'why (required with --force)')
    .action(
      action(async (ctx, ref: string, opts: { force?: boolean; reason?: string }) => {
        await ctx.unlock();
        const k = await ctx.call('key.retire', { key: ref, force: Boolean(opts.force), reason: opts.reason });
        return { json: k, text: `Key "${k.name}" retired: it is no longer in the trust bundle. "key promote ${k.name}" brings it back.` };
      }),
    );

  key
    .command('rollback')
    .description('make the previous key (trusted, window open) active again; the active key becomes staged, or retired with --retire')
    .option('--reason <TEXT>', 'why (audited)')
    .option('--retire', 'retire the key rolled back from instead of staging it; what it issued is listed')
    .action(
      action(async (ctx, opts: { reason?: string; retire?: boolean }) => {
        await ctx.unlock();
        const r = await ctx.call('key.rollback', { reason: opts.reason, retire: Boolean(opts.retire) });
        const issued = r.issued.length
          ? r.steppedBack.state === 'retired'
            ? `\nIt issued ${r.issued.length} live certificate(s) whose agents must be re-issued under "${r.restored.name}":\n` +
              table(['SERIAL', 'SUBJECT', 'NOT AFTER'], r.issued.map((l) => [l.serial, l.subject, l.notAfter]))
            : `\nThe ${r.issued.length} live certificate(s) it issued keep validating: it stays in the trust bundle as a staged key.`
          : '';
        const text = [
          `Rolled back: key "${r.restored.name}" is active again; "${r.steppedBack.name}" is now ${r.steppedBack.state}.`,
          `The trust bundle now holds ${r.bundleKeyIds.length} key(s): ${identities(r.bundleKeyIds, await ctx.call('key.list', {}))}. Export it so the fleet follows.`,
        ].join('\n') + issued;
        return { json: r, text };
      }),
    );

  key
    .command('promote')
    .description('bring a retired key back into the trust bundle (retired -> trusted)')
    .argument('<KEY>', 'the retired key')
    .option('--days <N>', 'new trusted window in days', intFor('--days', 'key.promote', 'days'))
    .action(
      action(async (ctx, ref: string, opts: { days?: number }) => {
        await ctx.unlock();
        const k = await ctx.call('key.promote', { key: ref, days: opts.days });
        return { json: k, text: `Key "${k.name}" is trusted again until ${k.trustedUntil}.` };
      }),
    );

  return key;
}

export function bundleCommand(action: Action): Command {
  const bundle = new Command('bundle').description('the trust bundle agents install');
  bundle
    .command('write')
    .description('PEM of every active and trusted key with its chain; never a retired key')
    .requiredOption('--out <FILE>', 'the bundle file (never overwritten)')
    .action(
      action(async (ctx, opts: { out: string }) => {
        await ctx.unlock();
        const b = await ctx.call('bundle.write', { out: opts.out });
        return {
          json: b,
          text: `Trust bundle version ${b.bundleVersion} written to ${b.file}: ${b.certificates} certificates for ${b.keys.map((k) => `${k.name} (${k.state})`).join(', ')}.\nbundle_sha256: ${b.bundleSha256}`,
        };
      }),
    );
  return bundle;
}
