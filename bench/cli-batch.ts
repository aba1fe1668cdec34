/**
 * End to end, as the officer runs it: the real `airgap-ca cert issue-batch`
 * as a child process (CLI start, unlock at the vault's own KDF cost, read the
 * request files, issue, record, write the certificate files) against
 * `openssl ca -batch -infiles` on the same request files in the same run, with
 * a CA key of the same algorithm. Prints wall times and ratios; asserts
 * nothing but that every request was issued.
 *
 * "CLI excluded" is the `seconds` the command reports itself: from the
 * handler's start (vault unlocked) to the last file written and synced.
 * Every timed run starts with nothing of the bench's own dirty in the page
 * cache (`settle`), and outputs are set aside, not deleted, between runs
 * (`SetAside`): see bench-support.ts for why each matters on this machine.
 *
 *   node bench/cli-batch.ts [--counts 2000,10000] [--algorithms ecdsa-p256,rsa-3072] [--runs N]
 */
import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCertificationRequest, encodeName, toPem } from '../src-main/core/issuance/index.ts';
import { OID } from '../src-main/core/asn1/oids.ts';
import { SetAside, fmtInt, fmtSeconds, makeOpensslCa, median, runOpenssl, runsText, scratchDir, settle } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '2000,10000' },
    algorithms: { type: 'string', default: 'ecdsa-p256,rsa-3072' },
    runs: { type: 'string', default: '1' },
    /** Another checkout's bin/airgap-ca.js (say main's), run on the same requests in the same run: before and after. */
    baseline: { type: 'string' },
  },
});
const COUNTS = values.counts.split(',').map(Number);
const ALGORITHMS = values.algorithms.split(',') as Array<'ecdsa-p256' | 'rsa-3072'>;
const RUNS = Number(values.runs);
const CLI = fileURLToPath(new URL('../bin/airgap-ca.js', import.meta.url));
const PASS = 'bench passphrase long enough';

const BASELINE = values.baseline;

function cli(scratch: string, args: string[], bin = CLI): { seconds: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [bin, '--vault', join(scratch, bin === CLI ? 'vault' : 'vault-baseline'), '--passphrase-file', join(scratch, 'pass'), '--actor', 'bench', '--json', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { PATH: process.env.PATH ?? '', HOME: scratch },
  });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`airgap-ca ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)} ${r.stdout.slice(0, 2000)}`);
  return { seconds, stdout: r.stdout };
}

/** `count` P-256 requests as PEM files in `dir`; file names for OpenSSL. */
function writeRequests(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = `agent-${String(i).padStart(6, '0')}`;
    const subjectDer = encodeName([[{ type: OID.organizationName, value: 'Acme Fleet' }], [{ type: OID.commonName, value: id }]]);
    const name = `${id}.csr`;
    writeFileSync(join(dir, name), toPem(buildCertificationRequest({ subjectDer, privateKey, publicKey }), 'CERTIFICATE REQUEST'));
    names.push(name);
  }
  return names;
}

interface Row {
  work: string;
  ours: number;
  oursExcl: number;
  openssl: number;
  baseline?: { incl: number; excl: number };
}

const rows: Row[] = [];
// Every scratch folder is removed at the very end: deleting one CA's 20,000 files would slow the next CA's runs (SetAside).
const scratches: Array<{ remove(): void }> = [];
console.log(`CLI batch bench: counts ${COUNTS.join(', ')}, CAs ${ALGORITHMS.join(', ')}, ${RUNS} run(s) each; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const algorithm of ALGORITHMS) {
  const scratch = scratchDir(`cli-batch-${algorithm}`);
  scratches.push(scratch);
  const spent = new SetAside(scratch.dir);
  {
    writeFileSync(join(scratch.dir, 'pass'), PASS, { mode: 0o600 });
    for (const bin of BASELINE ? [CLI, BASELINE] : [CLI]) {
      cli(scratch.dir, ['vault', 'init'], bin);
      cli(scratch.dir, ['key', 'create', '--name', 'ca', '--algorithm', algorithm], bin);
      cli(scratch.dir, ['key', 'self-sign', 'ca', '--subject', `CN=Bench CA ${algorithm}`], bin);
      cli(scratch.dir, ['key', 'activate', 'ca'], bin);
    }
    const unlockOnly = median([0, 1, 2].map(() => cli(scratch.dir, ['vault', 'info']).seconds));
    const ossl = join(scratch.dir, 'openssl');
    mkdirSync(ossl);
    makeOpensslCa(ossl, algorithm);
    for (const count of COUNTS) {
      const inDir = join(scratch.dir, `in-${count}`);
      const files = writeRequests(inDir, count);
      const ours: number[] = [];
      const oursExcl: number[] = [];
      const theirs: number[] = [];
      const base: Array<{ incl: number; excl: number }> = [];
      const batch = (bin: string, outDir: string): { incl: number; excl: number } => {
        mkdirSync(outDir);
        settle();
        const run = cli(scratch.dir, ['cert', 'issue-batch', '--in', inDir, '--out', outDir], bin);
        const doc = JSON.parse(run.stdout) as { issued: number; failed: number; seconds: number };
        if (doc.issued !== count || readdirSync(outDir).length !== count) throw new Error(`issued ${doc.issued} of ${count}`);
        spent.put(outDir);
        return { incl: run.seconds, excl: doc.seconds };
      };
      for (let r = 0; r < RUNS; r++) {
        const mine = batch(CLI, join(scratch.dir, `out-${count}-${r}`));
        ours.push(mine.incl);
        oursExcl.push(mine.excl);
        if (BASELINE) base.push(batch(BASELINE, join(scratch.dir, `base-${count}-${r}`)));

        writeFileSync(join(ossl, 'index.txt'), '');
        spent.put(join(ossl, 'certs'));
        mkdirSync(join(ossl, 'certs'));
        settle();
        theirs.push(runOpenssl(['ca', '-batch', '-config', 'ca.cnf', '-notext', '-preserveDN', '-out', 'issued.pem', '-infiles', ...files.map((f) => join(inDir, f))], ossl).seconds);
      }
      const row: Row = { work: `issue-batch ${fmtInt(count)} P-256 requests, ${algorithm} CA`, ours: median(ours), oursExcl: median(oursExcl), openssl: median(theirs) };
      if (base.length) row.baseline = { incl: median(base.map((b) => b.incl)), excl: median(base.map((b) => b.excl)) };
      rows.push(row);
      console.log(
        `\n${row.work}\n` +
          `  airgap-ca, CLI start + unlock included : ${fmtSeconds(row.ours)} = ${fmtInt(count / row.ours)} certs/s\n` +
          `  airgap-ca, CLI start + unlock excluded : ${fmtSeconds(row.oursExcl)} = ${fmtInt(count / row.oursExcl)} certs/s   (CLI start + unlock alone: ${fmtSeconds(unlockOnly)})\n` +
          `  openssl ca -batch -infiles             : ${fmtSeconds(row.openssl)} = ${fmtInt(count / row.openssl)} certs/s\n` +
          `  runs (s): airgap-ca included ${runsText(ours)}; excluded ${runsText(oursExcl)}; OpenSSL ${runsText(theirs)}\n` +
          `  ratio (rate, ours / OpenSSL)           : ${(row.openssl / row.ours).toFixed(2)}x included, ${(row.openssl / row.oursExcl).toFixed(2)}x excluded; target >= 3x`,
      );
      if (row.baseline) {
        console.log(
          `  baseline ${BASELINE}: ${fmtSeconds(row.baseline.incl)} included = ${(row.openssl / row.baseline.incl).toFixed(2)}x OpenSSL, ${fmtSeconds(row.baseline.excl)} excluded = ${(row.openssl / row.baseline.excl).toFixed(2)}x OpenSSL`,
        );
      }
    }
  }
}
for (const s of scratches) s.remove();
console.log(`\nload average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('\n| work | Airgap CA (CLI incl.) | Airgap CA (excl.) | OpenSSL | ratio incl. | ratio excl. | target |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const n = Number(r.work.split(' ')[1]!.replaceAll(',', ''));
  console.log(`| ${r.work} | ${fmtInt(n / r.ours)}/s | ${fmtInt(n / r.oursExcl)}/s | ${fmtInt(n / r.openssl)}/s | ${(r.openssl / r.ours).toFixed(2)}x | ${(r.openssl / r.oursExcl).toFixed(2)}x | >= 3x |`);
}
