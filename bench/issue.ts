/**
 * Issuance benchmark: 10,000 agent certificates from P-256 requests, with a
 * P-256 CA and with an RSA-3072 CA. Ours (parse + verify the request, build,
 * lint, sign, re-verify) against `openssl ca -batch -infiles` on the same
 * requests and the same CA key, in the same run.
 *
 *   node bench/issue.ts [--count N] [--runs N] [--openssl-runs N] [--workers N]
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCertificationRequest, encodeName, issueBatch, toPem } from '../src-main/core/issuance/index.ts';
import type { BatchItem } from '../src-main/core/issuance/index.ts';
import { OID } from '../src-main/core/asn1/oids.ts';
import { fmtInt, fmtSeconds, makeOpensslCa, median, ownPeakMb, runOpenssl, runsText, scratchDir, timeRuns } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    'openssl-runs': { type: 'string', default: '1' },
    workers: { type: 'string' },
  },
});
const COUNT = Number(values.count);
const RUNS = Number(values.runs);
const OPENSSL_RUNS = Number(values['openssl-runs']);
/** Worker threads beside the main thread; issueBatch's default (cores - 1) when not given. */
const WORKERS = values.workers === undefined ? undefined : Number(values.workers);

function makeRequests(count: number): BatchItem[] {
  const items: BatchItem[] = [];
  for (let i = 0; i < count; i++) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = `agent-${String(i).padStart(5, '0')}`;
    const subjectDer = encodeName([[{ type: OID.organizationName, value: 'Acme Fleet' }], [{ type: OID.commonName, value: id }]]);
    items.push({ id, csr: buildCertificationRequest({ subjectDer, privateKey, publicKey }) });
  }
  return items;
}

async function benchCase(algorithm: 'ecdsa-p256' | 'rsa-3072', items: BatchItem[]): Promise<void> {
  const scratch = scratchDir(`issue-${algorithm}`);
  try {
    const ca = makeOpensslCa(scratch.dir, algorithm);
    const init = { certificateDer: ca.certificateDer, privateKey: ca.pkcs8Der, algorithm } as const;
    const now = new Date();
    let failures = 0;
    // CPU time of all threads, so a figure taken on a busy shared machine still says what the work costs.
    const cpu0 = process.cpuUsage();
    const oursParallel = await timeRuns(RUNS, async () => {
      const out = await issueBatch(init, items, { profile: 'agent', now, ...(WORKERS === undefined ? {} : { workers: WORKERS }) });
      failures += out.filter((o) => !o.ok).length;
    });
    const cpu = process.cpuUsage(cpu0);
    const cpuPerCert = (cpu.user + cpu.system) / (RUNS * items.length);
    const oursSingle = await timeRuns(Math.min(RUNS, 3), async () => {
      const out = await issueBatch(init, items, { profile: 'agent', now, workers: 0 });
      failures += out.filter((o) => !o.ok).length;
    });
    if (failures) throw new Error(`${failures} requests failed to issue`);

    const files = items.map((item, i) => {
      const name = `csr-${i}.pem`;
      writeFileSync(join(scratch.dir, name), toPem(item.csr, 'CERTIFICATE REQUEST'));
      return name;
    });
    const openssl: number[] = [];
    let opensslPeak = 0;
    for (let r = 0; r < OPENSSL_RUNS; r++) {
      writeFileSync(join(scratch.dir, 'index.txt'), '');
      const m = runOpenssl(['ca', '-batch', '-config', 'ca.cnf', '-notext', '-preserveDN', '-out', 'issued.pem', '-infiles', ...files], scratch.dir);
      openssl.push(m.seconds);
      opensslPeak = Math.max(opensslPeak, m.peakMb);
    }

    const ours = median(oursParallel);
    const single = median(oursSingle);
    const theirs = median(openssl);
    console.log(`\nissue ${fmtInt(items.length)} agent certificates from P-256 requests, ${algorithm} CA`);
    const threads = (WORKERS ?? availableParallelism() - 1) + 1;
    console.log(`  ${`ours, ${threads} threads`.padEnd(24)}: median ${fmtSeconds(ours)} = ${fmtInt(items.length / ours)} certs/s   (runs: ${runsText(oursParallel)})`);
    console.log(`  ${'ours, CPU per cert'.padEnd(24)}: ${cpuPerCert.toFixed(0)} µs over all threads = at most ${fmtInt((availableParallelism() * 1e6) / cpuPerCert)} certs/s on ${availableParallelism()} idle cores`);
    console.log(`  ${'ours, one thread'.padEnd(24)}: median ${fmtSeconds(single)} = ${fmtInt(items.length / single)} certs/s   (runs: ${runsText(oursSingle)})`);
    if (openssl.length) {
      console.log(`  ${'openssl ca -infiles'.padEnd(24)}: median ${fmtSeconds(theirs)} = ${fmtInt(items.length / theirs)} certs/s   (runs: ${runsText(openssl)}), peak ${opensslPeak.toFixed(0)} MB`);
      console.log(`  ${'ratio'.padEnd(24)}: ours is ${(theirs / ours).toFixed(1)}x OpenSSL's rate (one thread: ${(theirs / single).toFixed(1)}x)`);
    }
  } finally {
    scratch.remove();
  }
}

console.log(`issuance bench: ${COUNT} requests, ${RUNS} runs of ours, ${OPENSSL_RUNS} of OpenSSL`);
const t = performance.now();
const items = makeRequests(COUNT);
console.log(`  (made ${fmtInt(COUNT)} P-256 requests in ${fmtSeconds((performance.now() - t) / 1000)})`);
await benchCase('ecdsa-p256', items);
await benchCase('rsa-3072', items);
console.log(`\n  peak RSS of this bench process (requests, results, both CAs): ${ownPeakMb().toFixed(0)} MB`);
