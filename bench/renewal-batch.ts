/**
 * Renewal throughput next to plain batch issuance, as the officer runs them:
 * the real `airgap-ca cert renew-batch` as a child process on N renewal
 * requests (each a CMS SignedData around a new P-256 request, signed by the
 * agent's current certificate), and `cert issue-batch` on N plain requests,
 * in the same run against the same vault. Prints wall times and rates;
 * asserts nothing but that every request was renewed or issued.
 *
 * "excl." is the `seconds` each command reports itself (from the handler's
 * start, vault unlocked, to the last file written and synced).
 *
 *   node bench/renewal-batch.ts [--counts 1000,5000] [--runs N]
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCertificationRequest, encodeName, toPem } from '../src-main/core/issuance/index.ts';
import { pemBlocks } from '../src-main/core/asn1/pem.ts';
import { OID } from '../src-main/core/asn1/oids.ts';
import { signRenewal } from '../src-main/testing/renewal-fixtures.ts';
import { fmtInt, fmtSeconds, median, scratchDir } from './bench-support.ts';

const { values } = parseArgs({ options: { counts: { type: 'string', default: '1000,5000' }, runs: { type: 'string', default: '1' } } });
const COUNTS = values.counts.split(',').map(Number);
const RUNS = Number(values.runs);
const CLI = fileURLToPath(new URL('../bin/airgap-ca.js', import.meta.url));
const PASS = 'bench passphrase long enough';

function cli(scratch: string, args: string[]): { seconds: number; doc: Record<string, unknown> } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [CLI, '--vault', join(scratch, 'vault'), '--passphrase-file', join(scratch, 'pass'), '--actor', 'bench', '--json', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { PATH: process.env.PATH ?? '', HOME: scratch },
  });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`airgap-ca ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)} ${r.stdout.slice(0, 2000)}`);
  return { seconds, doc: JSON.parse(r.stdout) as Record<string, unknown> };
}

function request(id: string): { der: Buffer; key: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const subjectDer = encodeName([[{ type: OID.organizationName, value: 'Acme Fleet' }], [{ type: OID.commonName, value: id }]]);
  return { der: buildCertificationRequest({ subjectDer, privateKey, publicKey }), key: privateKey };
}

console.log(`renewal batch bench: counts ${COUNTS.join(', ')}, ${RUNS} run(s) each, P-256 CA; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const table: string[] = [];
const scratch = scratchDir('renewal-batch');
try {
  const s = scratch.dir;
  writeFileSync(join(s, 'pass'), PASS, { mode: 0o600 });
  cli(s, ['vault', 'init']);
  cli(s, ['key', 'create', '--name', 'ca']);
  cli(s, ['key', 'self-sign', 'ca', '--subject', 'CN=Bench CA']);
  cli(s, ['key', 'activate', 'ca']);
  for (const count of COUNTS) {
    const plain: number[] = [];
    const plainExcl: number[] = [];
    const renew: number[] = [];
    const renewExcl: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const tag = `${count}-${run}`;
      const enroll = join(s, `enroll-${tag}`);
      const current = join(s, `current-${tag}`);
      const renewIn = join(s, `renew-${tag}`);
      const out = join(s, `out-${tag}`);
      for (const d of [enroll, current, renewIn, out]) mkdirSync(d);
      // The fleet: N agents, enrolled by a plain batch (timed: that is the plain issuance figure).
      const keys = new Map<string, KeyObject>();
      for (let i = 0; i < count; i++) {
        const id = `agent-${tag}-${String(i).padStart(6, '0')}`;
        const r = request(id);
        keys.set(id, r.key);
        writeFileSync(join(enroll, `${id}.csr`), toPem(r.der, 'CERTIFICATE REQUEST'));
      }
      const issued = cli(s, ['cert', 'issue-batch', '--in', enroll, '--out', current]);
      if (issued.doc.issued !== count) throw new Error(`issued ${String(issued.doc.issued)} of ${count}`);
      plain.push(issued.seconds);
      plainExcl.push(issued.doc.seconds as number);
      // Their renewal requests, then the renewal batch.
      for (const f of readdirSync(current)) {
        const id = f.replace('.crt.pem', '');
        const cert = pemBlocks(readFileSync(join(current, f), 'utf8'))[0]?.der as Buffer;
        writeFileSync(join(renewIn, `${id}.p7m`), signRenewal(request(id).der, cert, keys.get(id) as KeyObject));
      }
      const renewed = cli(s, ['cert', 'renew-batch', '--in', renewIn, '--out', out]);
      const counts = renewed.doc.counts as { issued: number };
      if (counts.issued !== count) throw new Error(`renewed ${counts.issued} of ${count}`);
      renew.push(renewed.seconds);
      renewExcl.push(renewed.doc.seconds as number);
      for (const d of [enroll, current, renewIn, out]) rmSync(d, { recursive: true });
    }
    const [p, pe, r, re] = [median(plain), median(plainExcl), median(renew), median(renewExcl)];
    console.log(
      `\n${fmtInt(count)} P-256 agents\n` +
        `  cert issue-batch (plain)  : ${fmtSeconds(p)} incl. = ${fmtInt(count / p)} certs/s; ${fmtSeconds(pe)} excl. = ${fmtInt(count / pe)} certs/s\n` +
        `  cert renew-batch (CMS)    : ${fmtSeconds(r)} incl. = ${fmtInt(count / r)} certs/s; ${fmtSeconds(re)} excl. = ${fmtInt(count / re)} certs/s\n` +
        `  renewal / plain (time, excl.): ${(re / pe).toFixed(2)}x`,
    );
    table.push(`| ${fmtInt(count)} | ${fmtSeconds(pe)} (${fmtInt(count / pe)}/s) | ${fmtSeconds(re)} (${fmtInt(count / re)}/s) | ${(re / pe).toFixed(2)}x |`);
  }
} finally {
  scratch.remove();
}
console.log(`\nload average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('\n| agents | issue-batch (excl.) | renew-batch (excl.) | renewal / plain |\n|---|---|---|---|');
for (const row of table) console.log(row);
