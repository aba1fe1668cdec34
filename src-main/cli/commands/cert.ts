import { Command, Option } from 'commander';
import { PROFILE_NAMES } from '../../core/issuance/profiles.ts';
import { REASON_NAMES } from '../../core/issuance/revocation-reasons.ts';
import { DomainError } from '../../core/errors.ts';
import type { CertView } from '../../api/contract.ts';
import type { Action } from '../context.ts';
import { intFor } from '../options.ts';
import { EXIT } from '../exit-codes.ts';
import { lines, table } from '../format.ts';
import { showProgress } from '../progress.ts';
import { addCrlScheduleCommands, staleScheduleNotice } from './crl-schedule.ts';

const profileOption = () => new Option('--profile <P>', 'certificate profile').choices([...PROFILE_NAMES]).default('agent');
const reasonOption = () => new Option('--reason <REASON>', 'RFC 5280 revocation reason').choices([...REASON_NAMES]).default('unspecified');

function certLines(c: CertView): string {
  return lines([
    ['Serial', c.serial],
    ['Subject', c.subject],
    ['SANs', c.sans.join(', ') || '-'],
    ['Profile', c.profile],
    ['Issuer key', c.issuerKeyId],
    ['NotBefore', c.notBefore],
    ['NotAfter', c.notAfter],
    ['Status', c.status === 'revoked' ? `revoked ${c.revokedAt} (${c.revocationReason})` : c.status],
  ]);
}

export function certCommand(action: Action): Command {
  const cert = new Command('cert').description('issue, list and revoke certificates');

  cert
    .command('profiles')
    .description('the certificate profiles and their defaults')
    .action(
      action(async (ctx) => {
        const ps = await ctx.call('cert.profiles', {});
        return { json: ps, text: table(['PROFILE', 'DEFAULT DAYS', 'MAX DAYS', 'DESCRIPTION'], ps.map((p) => [p.name, p.defaultDays, p.maxDays, p.description])) };
      }),
    );

  cert
    .command('issue')
    .description('sign one PKCS#10 request with the active key')
    .requiredOption('--csr <FILE>', 'the request (PEM or DER)')
    .requiredOption('--out <FILE>', 'where to write the certificate (PEM; never overwritten)')
    .addOption(profileOption())
    .option('--days <N>', "validity in days (default: the profile's)", intFor('--days', 'cert.issue', 'days'))
    .option('--truncate', "cut NotAfter back to the issuing key's NotAfter instead of refusing")
    .action(
      action(async (ctx, opts: { csr: string; out: string; profile: (typeof PROFILE_NAMES)[number]; days?: number; truncate?: boolean }) => {
        await ctx.unlock();
        const c = await ctx.call('cert.issue', { source: { path: opts.csr }, out: opts.out, profile: opts.profile, days: opts.days, truncate: Boolean(opts.truncate) });
        return { json: c, text: `Certificate written to ${c.out}${c.truncated ? ' (NotAfter truncated to the issuer\'s)' : ''}.\n${certLines(c)}` };
      }),
    );

  cert
    .command('issue-batch')
    .description('sign every request in a folder; one failure does not stop the others')
    .requiredOption('--in <DIR>', 'folder of requests')
    .requiredOption('--out <DIR>', 'folder for the certificates (<request name>.crt.pem)')
    .option('--bundle-out <FILE>', 'also write every certificate of the batch into this one PEM file (never overwritten)')
    .addOption(profileOption())
    .option('--days <N>', "validity in days (default: the profile's)", intFor('--days', 'cert.issueBatch', 'days'))
    .option('--truncate', "cut NotAfter back to the issuing key's NotAfter instead of refusing")
    .action(
      action(async (ctx, opts: { in: string; out: string; bundleOut?: string; profile: (typeof PROFILE_NAMES)[number]; days?: number; truncate?: boolean }) => {
        // The requests are read while Argon2id unlocks the vault (on the thread pool; this thread only waits for it).
        const { BATCH_FOLDER_READ, readRequestFolderAhead } = await import('../../core/media/untrusted-input.ts');
        readRequestFolderAhead(opts.in, { ...BATCH_FOLDER_READ, blocking: true });
        await ctx.unlock();
        const done = showProgress(ctx, 'issuing');
        const r = await ctx.call('cert.issueBatch', { inDir: opts.in, outDir: opts.out, bundleOut: opts.bundleOut, profile: opts.profile, days: opts.days, truncate: Boolean(opts.truncate) }).finally(done);
        const failures = r.results.filter((x) => !x.ok);
        const text = [
          `${r.issued} issued, ${r.failed} failed in ${r.seconds.toFixed(1)} s.`,
          ...(failures.length ? ['', 'Failed:', table(['FILE', 'CODE', 'WHY'], failures.map((f) => [f.file, f.code, f.message]))] : []),
        ].join('\n');
        return { json: r, text, exitCode: r.failed > 0 ? EXIT.failed : EXIT.ok };
      }),
    );

  cert
    .command('renew-batch')
    .description("renew agents' certificates from a folder of renewal requests (CMS signed by the certificate being renewed)")
    .requiredOption('--in <DIR>', 'folder of renewal requests (.p7m/.cms/.p7s, PEM or DER)')
    .requiredOption('--out <DIR>', 'folder for the certificates (<request name>.crt.pem) and the report')
    .option('--report <FILE>', 'the JSON report (the CSV goes beside it, .csv); default renewal-report-<time>.json in --out')
    .option('--days <N>', "validity in days (default: the profile's, 365 for agents)", intFor('--days', 'cert.renewBatch', 'days'))
    .option('--supersede', 'revoke each renewed certificate (reason superseded) once its successor is recorded')
    .action(
      action(async (ctx, opts: { in: string; out: string; report?: string; days?: number; supersede?: boolean }) => {
        await ctx.unlock();
        const done = showProgress(ctx, 'renewing');
        const r = await ctx.call('cert.renewBatch', { inDir: opts.in, outDir: opts.out, report: opts.report, days: opts.days, supersede: Boolean(opts.supersede) }).finally(done);
        const c = r.counts;
        const refused = r.requests.filter((x) => x.status === 'refused');
        const text = [
          `${c.received} received, ${c.validated} validated, ${c.issued} issued, ${c.alreadyIssued} already issued (replays served), ${c.refused} refused${Object.keys(c.refusedByCode).length ? ` (${Object.entries(c.refusedByCode).map(([k, n]) => `${k} ${n}`).join(', ')})` : ''} in ${r.seconds.toFixed(1)} s.`,
          ...(r.superseded.length ? [`${r.superseded.length} renewed certificates revoked (superseded). Publish a new CRL: "crl generate".`] : []),
          ...(r.skipped.length ? [`${r.skipped.length} files skipped: plain certificate requests (sign them with "cert issue-batch"), certificates and reports.`] : []),
          '',
          table(['FILE', 'AGENT SERIAL', 'NEW SERIAL', 'STATUS', 'CODE'], r.requests.map((x) => [x.file, x.agentSerial ?? '-', x.newSerial ?? '-', x.status, x.code ?? '-'])),
          ...(refused.length ? ['', 'Refused:', table(['FILE', 'CODE', 'WHY'], refused.map((f) => [f.file, f.code, f.message]))] : []),
          '',
          `Report: ${r.report.json}`,
          `        ${r.report.csv}`,
        ].join('\n');
        return { json: r, text, exitCode: refused.length > 0 ? EXIT.failed : EXIT.ok };
      }),
    );

  cert
    .command('list')
    .description('issued certificates')
    .option('--issuer <KEY>', 'only those a key issued')
    .addOption(new Option('--status <S>', 'only valid, revoked or expired ones').choices(['valid', 'revoked', 'expired']))
    .option('--search <TEXT>', 'subject, SAN or serial contains TEXT')
    .option('--limit <N>', 'at most N rows (default 1000)', intFor('--limit', 'cert.list', 'limit'))
    .action(
      action(async (ctx, opts: { issuer?: string; status?: 'valid' | 'revoked' | 'expired'; search?: string; limit?: number }) => {
        await ctx.unlock();
        const r = await ctx.call('cert.list', { issuer: opts.issuer, status: opts.status, search: opts.search, limit: opts.limit });
        const text = r.items.length
          ? table(['SERIAL', 'SUBJECT', 'PROFILE', 'NOT AFTER', 'STATUS'], r.items.map((c) => [c.serial, c.subject, c.profile, c.notAfter, c.status])) + (r.total > r.items.length ? `\n(${r.items.length} of ${r.total} shown)` : '')
          : 'No certificates match.';
        return { json: r, text };
      }),
    );

  cert
    .command('show')
    .description('one certificate, with its PEM')
    .argument('<SERIAL>', 'serial number (hex)')
    .option('--out <FILE>', 'also write the certificate to FILE (PEM; never overwritten): a file that an issuance could not write')
    .action(
      action(async (ctx, serial: string, opts: { out?: string }) => {
        await ctx.unlock();
        const c = await ctx.call('cert.show', { serial, out: opts.out });
        return { json: c, text: `${c.out ? `Certificate written to ${c.out}.\n` : ''}${certLines(c)}\n\n${c.pem}` };
      }),
    );

  cert
    .command('revoke')
    .description('revoke one certificate, or with --issuer KEY --all every one a key issued')
    .argument('[SERIAL]', 'serial number (hex)')
    .option('--issuer <KEY>', 'with --all: the issuing key')
    .option('--all', 'every certificate the --issuer key issued')
    .option('--serials-file <FILE>', 'a text file of serial numbers, one per line (e.g. from removable media)')
    .addOption(reasonOption())
    .action(
      action(async (ctx, serial: string | undefined, opts: { issuer?: string; all?: boolean; reason: string; serialsFile?: string }) => {
        const ways = [serial !== undefined, Boolean(opts.all || opts.issuer), opts.serialsFile !== undefined].filter(Boolean).length;
        if (ways !== 1 || (!serial && !opts.serialsFile && !(opts.all && opts.issuer))) {
          throw new DomainError('INVALID_INPUT', 'Give one of: a SERIAL, --issuer KEY --all, or --serials-file FILE.');
        }
        await ctx.unlock();
        if (opts.serialsFile) {
          const r = await ctx.call('cert.revokeList', { path: opts.serialsFile, reason: opts.reason });
          return { json: r, text: `${r.revoked.length} certificates revoked (${opts.reason}); ${r.alreadyRevoked.length} were already revoked. Publish a new CRL: "crl generate".${await staleScheduleNotice(ctx)}` };
        }
        if (serial) {
          const c = await ctx.call('cert.revoke', { serial, reason: opts.reason });
          return { json: c, text: `Certificate ${c.serial} revoked (${c.revocationReason}). Publish a new CRL: "crl generate".${await staleScheduleNotice(ctx)}` };
        }
        const r = await ctx.call('cert.revokeAll', { issuer: opts.issuer!, reason: opts.reason });
        return { json: r, text: `${r.revoked} certificates of ${r.issuerKeyId} revoked (${opts.reason}). Publish a new CRL: "crl generate --issuer ${opts.issuer}".${await staleScheduleNotice(ctx)}` };
      }),
    );

  cert
    .command('import')
    .description('record the certificates an imported CA key issued before it came into the vault')
    .requiredOption('--issuer <KEY>', 'the key that issued them')
    .requiredOption('--from <DIR>', 'folder of certificates (PEM or DER, one per file)')
    .action(
      action(async (ctx, opts: { issuer: string; from: string }) => {
        await ctx.unlock();
        const r = await ctx.call('cert.import', { issuer: opts.issuer, dir: opts.from });
        const refused = r.results.filter((x) => !x.ok);
        const text = [
          `${r.imported} certificate(s) imported, ${r.refused} refused.`,
          ...(refused.length ? ['', 'Refused:', table(['FILE', 'CODE', 'WHY'], refused.map((f) => [f.file, f.code, f.message]))] : []),
        ].join('\n');
        return { json: r, text, exitCode: r.refused > 0 ? EXIT.failed : EXIT.ok };
      }),
    );

  return cert;
}

export function crlCommand(action: Action): Command {
  const crl = new Command('crl').description('certificate revocation lists');
  crl
    .command('generate')
    .description("a new CRL for a key (default: the active key)")
    .option('--issuer <KEY>', 'the issuing key (active, trusted, or retired for its final CRL)')
    .option('--next-update-days <N>', 'days until nextUpdate (default: the setting, 7)', intFor('--next-update-days', 'crl.generate', 'nextUpdateDays'))
    .requiredOption('--out <FILE>', 'the CRL file (never overwritten)')
    .addOption(new Option('--format <F>', 'file format').choices(['der', 'pem']).default('der'))
    .action(
      action(async (ctx, opts: { issuer?: string; nextUpdateDays?: number; out: string; format: 'der' | 'pem' }) => {
        await ctx.unlock();
        const done = showProgress(ctx, 'signing CRL');
        const r = await ctx.call('crl.generate', { issuer: opts.issuer, nextUpdateDays: opts.nextUpdateDays, out: opts.out, format: opts.format }).finally(done);
        return { json: r, text: `CRL number ${r.number} written to ${r.file}: ${r.entries} revoked entries, valid until ${r.nextUpdate}.${await staleScheduleNotice(ctx)}` };
      }),
    );
  crl
    .command('import')
    .description("record an imported key's last CRL: the next CRL is numbered above it, and its revocations are kept")
    .requiredOption('--issuer <KEY>', 'the key that published it')
    .requiredOption('--file <FILE>', 'the CRL (PEM or DER)')
    .action(
      action(async (ctx, opts: { issuer: string; file: string }) => {
        await ctx.unlock();
        const r = await ctx.call('crl.import', { issuer: opts.issuer, source: { path: opts.file } });
        return { json: r, text: `CRL number ${r.number} recorded (${r.entries} entries: ${r.revoked} revocation(s) recorded, ${r.alreadyRevoked} already known). The next CRL is numbered above ${r.number}.` };
      }),
    );
  addCrlScheduleCommands(crl, action);
  return crl;
}
