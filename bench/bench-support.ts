/**
 * Helpers shared by the benchmarks: timing, medians, OpenSSL as the peer on
 * the same inputs, a throwaway CA made by OpenSSL, and peak-memory figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pemBlocks } from '../src-main/core/asn1/pem.ts';
import type { KeyAlgorithm } from '../src-main/core/pki/algorithms.ts';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Run `fn` `runs` times; seconds of each run. */
export async function timeRuns(runs: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push((performance.now() - t) / 1000);
  }
  return out;
}

export function fmtSeconds(s: number): string {
  return s < 10 ? `${s.toFixed(3)} s` : `${s.toFixed(1)} s`;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function runsText(xs: readonly number[]): string {
  return xs.map((x) => x.toFixed(3)).join(', ');
}

export function scratchDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `airgap-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes back everything the bench itself left dirty in the page cache
 * (generated requests, the previous tool's outputs) before a timed run:
 * `cert issue-batch` makes its files durable with one syncfs(2) of the
 * output's file system, which would otherwise also write back those files
 * and charge them to the run (an officer's medium holds only the batch's).
 * OpenSSL syncs nothing, so its runs are the same either way.
 */
export function settle(): void {
  spawnSync('sync', [], { stdio: 'ignore' });
}

/**
 * Where a bench puts a run's outputs instead of deleting them before the
 * next run: ext4 without a journal (this CI machine's disk) skips inodes
 * deleted in the last minutes on every file it creates, reading their inode
 * table blocks one by one, so 10,000 files deleted just before a run of
 * 10,000 new ones cost the next run a second or more of kernel time (seen
 * with perf: find_inode_bit / recently_deleted). An officer writing to a
 * fresh medium never pays that, and it hit the tools unevenly (the writer's
 * thread is on Airgap CA's critical path), so every tool's outputs are set
 * aside and removed once, after the last run (`removeAll`).
 */
export class SetAside {
  readonly #dir: string;
  #count = 0;

  constructor(scratch: string) {
    this.#dir = join(scratch, 'set-aside');
    mkdirSync(this.#dir, { recursive: true });
  }

  /** Moves `path` (a run's output folder or file) out of the way, keeping it until removeAll. */
  put(path: string): void {
    renameSync(path, join(this.#dir, String(this.#count++)));
  }

  removeAll(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

export interface Measured {
  readonly seconds: number;
  /** Peak resident set size of the command in MB, from GNU time. */
  readonly peakMb: number;
}

/** Run OpenSSL under /usr/bin/time for wall time and peak memory; throws on failure. */
export function runOpenssl(args: string[], cwd: string): Measured {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '/usr/bin/openssl', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`openssl ${args.slice(0, 3).join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const lines = r.stderr.trim().split('\n');
  const kb = Number(lines[lines.length - 1]);
  return { seconds, peakMb: kb / 1024 };
}

export interface OpensslCa {
  readonly dir: string;
  readonly certificateDer: Buffer;
  readonly pkcs8Der: Buffer;
  readonly algorithm: KeyAlgorithm;
}

const CA_CNF = `
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/certs
certificate = $dir/ca.pem
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 365
default_crl_days = 7
policy = policy_any
unique_subject = no
rand_serial = yes
x509_extensions = agent_ext
crl_extensions = crl_ext
[ policy_any ]
countryName = optional
organizationName = optional
commonName = supplied
[ agent_ext ]
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ crl_ext ]
authorityKeyIdentifier = keyid
`;

/** A CA made by OpenSSL with an `openssl ca` configuration beside it; our Issuer loads the same files. */
export function makeOpensslCa(dir: string, algorithm: 'ecdsa-p256' | 'rsa-3072'): OpensslCa {
  mkdirSync(join(dir, 'certs'), { recursive: true });
  writeFileSync(join(dir, 'ca.cnf'), CA_CNF);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  const keyArgs = algorithm === 'ecdsa-p256' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:3072'];
  const r = spawnSync(
    '/usr/bin/openssl',
    ['req', '-x509', ...keyArgs, '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', `/CN=Bench CA ${algorithm}/O=Airgap CA Bench`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    { cwd: dir, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  const der = (file: string): Buffer => {
    const block = pemBlocks(readFileSync(join(dir, file), 'latin1'))[0];
    if (!block) throw new Error(`${file} has no PEM block`);
    return block.der;
  };
  return { dir, certificateDer: der('ca.pem'), pkcs8Der: der('ca.key'), algorithm };
}

/** Peak RSS of this process so far, in MB. */
export function ownPeakMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
