/**
 * Signing on a PKCS#11 token (SoftHSM2) against keys in the vault, as the
 * officer runs it: the real `airgap-ca cert issue-batch` as a child process
 * on the same request files, one vault with a software CA key and one whose
 * CA key lives on a SoftHSM2 token (its own SOFTHSM2_CONF in the scratch
 * folder), P-256 and RSA-3072 CA keys. Also the bare signature rate of one
 * session (TokenSigner) against node:crypto (SoftwareSigner) in this process.
 * Prints figures; asserts nothing but that every request was issued.
 *
 *   node bench/token.ts [--counts 2000] [--algorithms ecdsa-p256,rsa-3072] [--runs N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCertificationRequest, encodeName, toPem } from '../src-main/core/issuance/index.ts';
import { OID } from '../src-main/core/asn1/oids.ts';
import { SoftwareSigner } from '../src-main/core/signing/signer.ts';
import type { Signer } from '../src-main/core/signing/signer.ts';
import { TokenSession } from '../src-main/core/token/pkcs11.ts';
import { TokenSigner } from '../src-main/core/token/pkcs11-signer.ts';
import { fmtInt, fmtSeconds, median, scratchDir } from './bench-support.ts';

// Other benches' options (npm run bench -- --baseline …) pass through: unknown options are ignored.
const { values } = parseArgs({
  strict: false,
  options: {
    counts: { type: 'string', default: '2000' },
    algorithms: { type: 'string', default: 'ecdsa-p256,rsa-3072' },
    runs: { type: 'string', default: '1' },
  },
});
const COUNTS = String(values.counts).split(',').map(Number);
const ALGORITHMS = String(values.algorithms).split(',') as Array<'ecdsa-p256' | 'rsa-3072'>;
const RUNS = Number(values.runs);
const CLI = fileURLToPath(new URL('../bin/airgap-ca.js', import.meta.url));
const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const PASS = 'bench passphrase long enough';
const PIN = '135791';

const scratch = scratchDir('token-bench');
const tokens = join(scratch.dir, 'tokens');
mkdirSync(tokens);
const conf = join(scratch.dir, 'softhsm2.conf');
writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
process.env.SOFTHSM2_CONF = conf;
execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--so-pin', '24682468', '--pin', PIN], { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'ignore' });
writeFileSync(join(scratch.dir, 'pass'), PASS, { mode: 0o600 });
writeFileSync(join(scratch.dir, 'pin'), PIN, { mode: 0o600 });

function cli(vault: string, args: string[]): { seconds: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [CLI, '--vault', vault, '--passphrase-file', join(scratch.dir, 'pass'), '--pin-file', join(scratch.dir, 'pin'), '--actor', 'bench', '--json', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { PATH: process.env.PATH ?? '', HOME: scratch.dir, SOFTHSM2_CONF: conf, AIRGAP_CA_PKCS11_MODULE: MODULE },
  });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`airgap-ca ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)} ${r.stdout.slice(0, 2000)}`);
  return { seconds, stdout: r.stdout };
}

function writeRequests(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const subjectDer = encodeName([[{ type: OID.organizationName, value: 'Acme Fleet' }], [{ type: OID.commonName, value: `agent-${i}` }]]);
    writeFileSync(join(dir, `agent-${String(i).padStart(6, '0')}.csr`), toPem(buildCertificationRequest({ subjectDer, privateKey, publicKey }), 'CERTIFICATE REQUEST'));
  }
}

/** Signatures per second of one signer over 1 KiB messages for about a second. */
function signRate(signer: Signer): number {
  const msg = Buffer.alloc(1024, 7);
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < 1000) {
    signer.sign(msg);
    n++;
  }
  return n / ((performance.now() - t) / 1000);
}

console.log(`Token bench: SoftHSM2 ${MODULE}, counts ${COUNTS.join(', ')}, CAs ${ALGORITHMS.join(', ')}, ${RUNS} run(s), ${availableParallelism()} cores; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const table: string[] = [];
try {
  for (const algorithm of ALGORITHMS) {
    const vaults = { software: join(scratch.dir, `vault-sw-${algorithm}`), token: join(scratch.dir, `vault-tok-${algorithm}`) };
    for (const [kind, vault] of Object.entries(vaults)) {
      cli(vault, ['vault', 'init']);
      cli(vault, ['key', 'create', '--name', 'ca', '--algorithm', algorithm, ...(kind === 'token' ? ['--token', 'bench'] : [])]);
      cli(vault, ['key', 'self-sign', 'ca', '--subject', `CN=Bench ${kind} ${algorithm}`]);
      cli(vault, ['key', 'activate', 'ca']);
    }
    // One session's bare signature rate: the token's own limit, against node:crypto.
    const tokKey = JSON.parse(cli(vaults.token, ['key', 'show', 'ca']).stdout) as { spki?: string; token: { serial: string; ckaId: string } };
    const session = new TokenSession(MODULE, { serial: tokKey.token.serial }, PIN);
    const spki = session.publicKeySpki(Buffer.from(tokKey.token.ckaId, 'hex'))!;
    session.close();
    const tokenSigner = new TokenSigner({ kind: 'pkcs11', modulePath: MODULE, tokenSerial: tokKey.token.serial, tokenLabel: 'bench', ckaId: tokKey.token.ckaId, algorithm, spki, pin: PIN });
    const pair = algorithm === 'ecdsa-p256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 3072 });
    const softwareSigner = new SoftwareSigner(algorithm, pair.privateKey);
    const rates = { token: signRate(tokenSigner), software: signRate(softwareSigner) };
    tokenSigner.close();
    console.log(`\n${algorithm}: one signer, 1 KiB messages: token ${fmtInt(rates.token)} signatures/s, software ${fmtInt(rates.software)} signatures/s (token ${(rates.token / rates.software).toFixed(2)}x)`);

    for (const count of COUNTS) {
      const inDir = join(scratch.dir, `in-${algorithm}-${count}`);
      writeRequests(inDir, count);
      const result: Record<string, { incl: number; excl: number }> = {};
      for (const [kind, vault] of Object.entries(vaults)) {
        const incl: number[] = [];
        const excl: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          const outDir = join(scratch.dir, `out-${kind}-${algorithm}-${count}-${r}`);
          mkdirSync(outDir);
          const run = cli(vault, ['cert', 'issue-batch', '--in', inDir, '--out', outDir]);
          const doc = JSON.parse(run.stdout) as { issued: number; seconds: number };
          if (doc.issued !== count || readdirSync(outDir).length !== count) throw new Error(`issued ${doc.issued} of ${count}`);
          rmSync(outDir, { recursive: true });
          incl.push(run.seconds);
          excl.push(doc.seconds);
        }
        result[kind] = { incl: median(incl), excl: median(excl) };
      }
      const sw = result.software!;
      const tk = result.token!;
      console.log(
        `issue-batch ${fmtInt(count)} P-256 requests, ${algorithm} CA key\n` +
          `  software key (vault) : ${fmtSeconds(sw.incl)} incl. CLI start + unlock = ${fmtInt(count / sw.incl)}/s; ${fmtSeconds(sw.excl)} excl. = ${fmtInt(count / sw.excl)}/s\n` +
          `  SoftHSM2 token key   : ${fmtSeconds(tk.incl)} incl. CLI start + unlock + login = ${fmtInt(count / tk.incl)}/s; ${fmtSeconds(tk.excl)} excl. = ${fmtInt(count / tk.excl)}/s\n` +
          `  token / software     : ${(sw.excl / tk.excl).toFixed(2)}x (excl.)`,
      );
      table.push(`| ${algorithm} | ${fmtInt(count)} | ${fmtInt(rates.software)}/s | ${fmtInt(rates.token)}/s | ${fmtInt(count / sw.excl)}/s | ${fmtInt(count / tk.excl)}/s | ${(sw.excl / tk.excl).toFixed(2)}x |`);
    }
  }
} finally {
  scratch.remove();
}
console.log(`\nload average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('\n| CA key | requests | 1 signer, software | 1 signer, SoftHSM2 | issue-batch, software (excl.) | issue-batch, SoftHSM2 (excl.) | token / software |');
console.log('|---|---|---|---|---|---|---|');
for (const row of table) console.log(row);
