/**
 * CRL benchmark: a P-256 CA's CRL with 100,000 and 1,000,000 revoked
 * entries. Ours (encodeCrl: encode, sign, re-verify) runs in a child process
 * of its own so its peak memory is its own; OpenSSL runs `openssl ca -gencrl`
 * over an index.txt holding the same entries, with the same CA key.
 *
 *   node bench/crl.ts [--sizes 100000,1000000] [--runs N] [--openssl-runs N]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createIssuer, encodeCrl, readCrl } from '../src-main/core/issuance/index.ts';
import type { CrlEntryInput, ReasonName } from '../src-main/core/issuance/index.ts';
import { pemBlocks } from '../src-main/core/asn1/pem.ts';
import { fmtInt, fmtSeconds, makeOpensslCa, median, ownPeakMb, runOpenssl, runsText, scratchDir } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    runs: { type: 'string' },
    'openssl-runs': { type: 'string' },
    child: { type: 'string' },
    dir: { type: 'string' },
  },
});

const REASONS: ReasonName[] = ['keyCompromise', 'superseded', 'cessationOfOperation', 'affiliationChanged', 'unspecified'];
const THIS_UPDATE = new Date(Math.floor(Date.now() / 1000) * 1000);
const NEXT_UPDATE = new Date(THIS_UPDATE.getTime() + 7 * 86_400_000);

/** The same N entries for both implementations: derived from a seed file so the child and the index agree. */
function entriesFrom(seed: Buffer, count: number): CrlEntryInput[] {
  const base = THIS_UPDATE.getTime() - 30 * 86_400_000;
  const entries: CrlEntryInput[] = new Array<CrlEntryInput>(count);
  let revokedAt = new Date(base);
  for (let i = 0; i < count; i++) {
    // 127-bit serials as we issue them (top bit clear, never a leading zero octet), each a flat string as a database returns it;
    // revocation times in batches of 1,000, as revoke-all and daily revocations produce.
    if (i % 1000 === 0) revokedAt = new Date(base + (i / 1000) * 60_000);
    seed[i * 16] = ((seed[i * 16] as number) & 0x7f) | 0x10;
    entries[i] = { serialHex: seed.toString('hex', i * 16, i * 16 + 16), revokedAt, reason: REASONS[i % REASONS.length] as ReasonName };
  }
  return entries;
}

function utc(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

/** Child mode: time encodeCrl alone and report JSON with this process's peak RSS. */
function child(count: number, dir: string, runs: number): void {
  const der = (file: string): Buffer => (pemBlocks(readFileSync(join(dir, file), 'latin1'))[0] as { der: Buffer }).der;
  const issuer = createIssuer({ certificateDer: der('ca.pem'), privateKey: der('ca.key'), algorithm: 'ecdsa-p256' });
  const entries = entriesFrom(readFileSync(join(dir, 'seed.bin')), count);
  const times: number[] = [];
  // Drop each CRL before the next run, so the peak is one CRL's, as in the app.
  const last: { der?: Buffer } = {};
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let r = 0; r < runs; r++) {
    delete last.der;
    gc?.();
    const t = performance.now();
    last.der = encodeCrl({ issuer, crlNumber: BigInt(r + 1), thisUpdate: THIS_UPDATE, nextUpdate: NEXT_UPDATE, entries });
    times.push((performance.now() - t) / 1000);
  }
  const out = last.der ?? Buffer.alloc(0);
  const encodePeakMb = ownPeakMb();
  const t = performance.now();
  const view = readCrl(out);
  let n = 0;
  for (const e of view.entries()) n += e.serialHex.length > 0 ? 1 : 0;
  const readSeconds = (performance.now() - t) / 1000;
  if (n !== count || view.entryCount !== count) throw new Error(`read back ${n} entries, expected ${count}`);
  process.stdout.write(JSON.stringify({ times, bytes: out.length, peakMb: encodePeakMb, readPeakMb: ownPeakMb(), readSeconds }));
}

async function writeIndex(path: string, entries: CrlEntryInput[]): Promise<void> {
  const out = createWriteStream(path);
  const expiry = utc(new Date(THIS_UPDATE.getTime() + 365 * 86_400_000));
  let chunk = '';
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as CrlEntryInput;
    const reason = e.reason === 'unspecified' ? '' : `,${e.reason}`;
    chunk += `R\t${expiry}\t${utc(e.revokedAt)}${reason}\t${e.serialHex.toUpperCase()}\tunknown\t/CN=agent-${i}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function benchSize(count: number): Promise<void> {
  const scratch = scratchDir(`crl-${count}`);
  try {
    makeOpensslCa(scratch.dir, 'ecdsa-p256');
    const seed = randomBytes(count * 16);
    const seedPath = join(scratch.dir, 'seed.bin');
    await new Promise<void>((resolve, reject) => createWriteStream(seedPath).end(seed, (err?: Error | null) => (err ? reject(err) : resolve())));
    const runs = Number(values.runs ?? (count >= 1_000_000 ? 3 : 5));
    const opensslRuns = Number(values['openssl-runs'] ?? (count >= 1_000_000 ? 1 : 3));

    const self = fileURLToPath(import.meta.url);
    const r = spawnSync(process.execPath, ['--expose-gc', self, '--child', String(count), '--dir', scratch.dir, '--runs', String(runs)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`our CRL child failed: ${r.stderr}`);
    const ours = JSON.parse(r.stdout) as { times: number[]; bytes: number; peakMb: number; readPeakMb: number; readSeconds: number };

    await writeIndex(join(scratch.dir, 'index.txt'), entriesFrom(seed, count));
    const theirs: number[] = [];
    let theirPeak = 0;
    for (let i = 0; i < opensslRuns; i++) {
      const m = runOpenssl(['ca', '-gencrl', '-config', 'ca.cnf', '-crldays', '7', '-out', 'openssl-crl.pem'], scratch.dir);
      theirs.push(m.seconds);
      theirPeak = Math.max(theirPeak, m.peakMb);
    }

    const a = median(ours.times);
    const b = median(theirs);
    console.log(`\nCRL with ${fmtInt(count)} revoked entries, P-256 CA (${(ours.bytes / 1e6).toFixed(1)} MB DER)`);
    console.log(`  ours: encodeCrl       : median ${fmtSeconds(a)}   (runs: ${runsText(ours.times)}), peak RSS ${ours.peakMb.toFixed(0)} MB (child process, entries included)`);
    if (theirs.length) {
      console.log(`  openssl ca -gencrl    : median ${fmtSeconds(b)}   (runs: ${runsText(theirs)}), peak RSS ${theirPeak.toFixed(0)} MB`);
      console.log(`  ratio                 : ours is ${(b / a).toFixed(1)}x faster`);
    }
    console.log(`  ours: readCrl + iterate all entries: ${fmtSeconds(ours.readSeconds)} (peak RSS then ${ours.readPeakMb.toFixed(0)} MB)`);
  } finally {
    scratch.remove();
  }
}

if (values.child) {
  child(Number(values.child), values.dir ?? '.', Number(values.runs ?? 3));
} else {
  const sizes = (values.sizes ?? '').split(',').map(Number);
  console.log(`CRL bench: sizes ${sizes.map(fmtInt).join(', ')}`);
  for (const n of sizes) await benchSize(n);
}
