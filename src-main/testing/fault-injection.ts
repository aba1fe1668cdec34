/**
 * Test support (not shipped behaviour): the real CLI (`node bin/airgap-ca.js`)
 * run under libfiu's POSIX preload (Debian fiu-utils, `fiu-run -x`), so that
 * fsync, fdatasync, pwrite, write and rename fail inside Node and inside
 * SQLite as a failing disk would make them fail, and the process survives and
 * answers. Then the vault is opened and checked as an auditor would: it
 * opens, SQLite's integrity check and the audit chain pass, every
 * certificate file on disk is one the vault recorded, every success it
 * reported is in the vault, every "nothing was changed" is true.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { normalizeSerialHex } from '../core/asn1/serial.ts';
import { fixedClock } from '../core/clock.ts';
import { integrityCheck } from '../core/vault/database.ts';
import { HEADER_FILE } from '../core/vault/header.ts';
import { openUnlocked, readVaultHeader, recoverVaultKey, unlockVault, type RecoveredKey, type Vault } from '../core/vault/vault.ts';
import { CLI_BIN } from './cli-runner.ts';

/** The libfiu failure points of the calls that write and make durable (fiu-utils' function list). */
export const FAULT_POINTS = ['posix/io/sync/fsync', 'posix/io/sync/fdatasync', 'posix/io/rw/pwrite', 'posix/io/rw/write', 'posix/io/dir/rename'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

/** errno values a failing disk gives (failinfo): EIO, ENOSPC, EROFS. */
export const ERRNOS = { EIO: 5, ENOSPC: 28, EROFS: 30 } as const;

export type FaultMode =
  | { kind: 'random' }
  | { kind: 'once'; point: FaultPoint; probability: number; errno: number }
  | { kind: 'forever'; point: FaultPoint; errno: number };

/**
 * The fiu-run control commands of a mode. "random" is the reproduction of the
 * issue (syncs 30 %, pwrite 5 %) plus rename (20 %). A write(2) that fails
 * anywhere in the process makes libuv abort (its wakeup descriptor), a crash
 * rather than an error, so write faults are put under Node's fs calls only
 * (libfiu's stack match on uv_fs_write, the function every fs write goes
 * through); that makes fail-once the first such write.
 */
export function fiuCommands(mode: FaultMode): string[] {
  switch (mode.kind) {
    case 'random':
      return [
        'enable_random name=posix/io/sync/*,probability=0.3',
        'enable_random name=posix/io/rw/pwrite,probability=0.05',
        'enable_random name=posix/io/dir/rename,probability=0.2',
      ];
    case 'once':
      // write(2) is failed only under Node's fs calls: libuv aborts the process when a write to its own wakeup descriptor fails.
      if (mode.point === 'posix/io/rw/write') return [`enable_stack_by_name name=${mode.point},func_name=uv_fs_write,failinfo=${mode.errno},onetime`];
      return [`enable_random name=${mode.point},probability=${mode.probability},failinfo=${mode.errno},onetime`];
    case 'forever':
      if (mode.point === 'posix/io/rw/write') return [`enable_stack_by_name name=${mode.point},func_name=uv_fs_write,failinfo=${mode.errno}`];
      return [`enable name=${mode.point},failinfo=${mode.errno}`];
  }
}

export function describeMode(mode: FaultMode): string {
  if (mode.kind === 'random') return 'random';
  return `${mode.kind} ${mode.point.split('/').pop()} errno ${mode.errno}`;
}

export interface FaultRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The one JSON document on stdout, or undefined (a write to stdout that failed). */
  json: unknown;
}

/** One CLI child under fiu-run; `env` is all it gets besides PATH (no passphrase: it comes from a file). */
export function runUnderFaults(args: string[], mode: FaultMode | null, env: Record<string, string>, seed: number): Promise<FaultRun> {
  const fiu = mode ? ['-x', '-f', '', ...fiuCommands(mode).flatMap((c) => ['-c', c])] : null;
  const [cmd, argv] = fiu ? ['fiu-run', [...fiu, process.execPath, CLI_BIN, ...args]] : [process.execPath, [CLI_BIN, ...args]];
  return new Promise((resolve) => {
    execFile(cmd, argv, { env: { PATH: process.env.PATH ?? '', FIU_PRNG_SEED: String(seed), ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown; signal?: string | null }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr, json: parseJson(stdout) });
    });
  });
}

function parseJson(stdout: string): unknown {
  try {
    return stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    return undefined;
  }
}

/** The failure point names a mode's commands enable (to disable them after the run). */
function pointsOf(commands: readonly string[]): string[] {
  return commands.map((c) => /name=([^,\s]+)/.exec(c)?.[1] ?? '').filter(Boolean);
}

const HOST_SCRIPT = fileURLToPath(new URL('./fault-host.ts', import.meta.url));

/**
 * One long-lived CLI process under `fiu-run -x` with libfiu's remote control
 * (testing/fault-host.ts): each run enables its failure points through the
 * control pipe, runs one command of the real CLI in that process, and
 * disables them again. The same code, SQLite and file system calls as a CLI
 * child, without a process start per run: that is what makes hundreds of
 * runs per operation affordable. A run that kills the process (a crash, not
 * an error) is answered with its signal, and the next run gets a new process.
 */
export class FaultHost {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private starts = 0;

  private readonly ctlPrefix: string;
  private readonly seed: number;

  constructor(ctlPrefix: string, seed: number) {
    this.ctlPrefix = ctlPrefix;
    this.seed = seed;
  }

  private start(): Promise<void> {
    this.starts++;
    const child = spawn('fiu-run', ['-x', '-f', this.ctlPrefix, process.execPath, HOST_SCRIPT], {
      env: { PATH: process.env.PATH ?? '', FIU_PRNG_SEED: String(this.seed + this.starts) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stderr?.resume();
    child.once('exit', () => {
      if (this.child === child) {
        this.child = null;
        this.ready = null;
      }
    });
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code, signal) => reject(new Error(`the fault host exited before it was ready (${String(code ?? signal)})`)));
    });
  }

  /** One libfiu remote-control command; the answer is libfiu's return value. */
  private async control(pid: number, command: string): Promise<string> {
    await writeFile(`${this.ctlPrefix}-${pid}.in`, command + '\n');
    return (await readFile(`${this.ctlPrefix}-${pid}.out`, 'utf8')).trim();
  }

  async run(args: string[], mode: FaultMode | null, env: Record<string, string>): Promise<FaultRun> {
    this.ready ??= this.start();
    await this.ready;
    const child = this.child as ChildProcess;
    const pid = child.pid as number;
    const commands = mode ? fiuCommands(mode) : [];
    for (const c of commands) {
      const r = await this.control(pid, c);
      if (r !== '0') throw new Error(`libfiu refused "${c}" (${r})`);
    }
    const id = this.nextId++;
    const answer = await new Promise<FaultRun>((resolve) => {
      const onMessage = (m: { id?: number; code: number; stdout: string; stderr: string }) => {
        if (m.id !== id) return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve({ code: m.code, signal: null, stdout: m.stdout, stderr: m.stderr, json: parseJson(m.stdout) });
      };
      const onExit = (code: number | null, signal: string | null) => {
        child.off('message', onMessage);
        resolve({ code, signal: signal ?? `exit ${String(code)}`, stdout: '', stderr: '', json: undefined });
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, args, env: { PATH: process.env.PATH ?? '', ...env } });
    });
    if (this.child === child) for (const point of pointsOf(commands)) await this.control(pid, `disable name=${point}`);
    return answer;
  }

  close(): void {
    this.child?.kill();
    this.child = null;
  }
}

/** Runs `jobs` at most `width` at a time (the machine's cores are shared); each job is told its worker's number. */
export async function pool<T>(jobs: Array<(worker: number) => Promise<T>>, width: number): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (w: number): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await (jobs[i] as (worker: number) => Promise<T>)(w);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, (_, w) => worker(w)));
  return out;
}

export interface VaultState {
  /** The last audit event, or null for an empty chain. */
  head: { seq: number; hash: string } | null;
  events: Array<{ seq: number; action: string; details: Record<string, unknown> }>;
  serials: Set<string>;
  revoked: Set<string>;
  crlNumbers: Set<string>;
  activeKeyName: string | null;
  /** Which passphrase opened it. */
  passphrase: string;
}

/**
 * The Argon2id result of a header file's exact bytes with a passphrase. Every run's vault is a
 * copy of one template, so most runs end with the template's header unchanged: the key it
 * unwraps is the same, and deriving it again after each of hundreds of runs is the same work
 * every time. A header that changed (a rekey, a restore) is derived anew, once.
 */
const recoveredKeys = new Map<string, Promise<RecoveredKey>>();

/**
 * The vault opened as unlockVault opens it (the key from the header's slot, then the key
 * commitment, the header MAC, the database and its checks), the key taken from
 * recoveredKeys when the header file is byte for byte one already derived. Anything other than
 * a plain open of the current header (a wrong passphrase, a pending rekey, a legacy slot to
 * convert, a key that opens no database) is left to unlockVault itself, so every refusal is the
 * real one.
 */
async function openForInspection(dir: string, passphrase: string): Promise<Vault> {
  const clock = fixedClock(new Date());
  try {
    const text = readFileSync(join(dir, HEADER_FILE), 'utf8');
    const header = readVaultHeader(dir);
    const id = `${passphrase}\0${text}`;
    let recovered = recoveredKeys.get(id);
    if (!recovered) {
      recovered = recoverVaultKey(header, { passphrase });
      recoveredKeys.set(id, recovered);
    }
    const key = await recovered;
    if (!key.upgraded) return openUnlocked(dir, header, Buffer.from(key.key), clock, key.slot, 'auditor');
  } catch {
    // The full unlock below gives the real answer.
  }
  return unlockVault(dir, { passphrase }, { clock, actor: 'auditor' });
}

/**
 * Opens the vault with the first passphrase that works and reads what the
 * checks need; throws (the test fails) when it does not open, its integrity
 * check finds a problem or its audit chain is broken.
 */
export async function inspectVault(dir: string, passphrases: readonly string[]): Promise<VaultState> {
  let lastError: unknown;
  for (const passphrase of passphrases) {
    let vault;
    try {
      vault = await openForInspection(dir, passphrase);
    } catch (e) {
      lastError = e;
      continue;
    }
    try {
      const problems = integrityCheck(vault.db);
      if (problems.length) throw new Error(`${dir}: integrity check: ${problems.join('; ')}`);
      const chain = vault.audit.verify();
      if (!chain.ok) throw new Error(`${dir}: audit chain broken at ${chain.brokenAt}: ${chain.reason}`);
      const events = vault.db.prepare('SELECT seq, action, details FROM audit_events ORDER BY seq').all() as Array<{ seq: number; action: string; details: string }>;
      const certs = vault.db.prepare('SELECT c.serial, r.serial AS revokedAt FROM certificates c LEFT JOIN revocations r ON r.serial = c.serial').all() as Array<{ serial: string; revokedAt: string | null }>;
      const crls = vault.db.prepare('SELECT number FROM crls').all() as Array<{ number: string | number }>;
      const active = vault.db.prepare("SELECT name FROM signing_keys WHERE state = 'active'").get() as { name: string } | undefined;
      return {
        head: vault.audit.head(),
        events: events.map((e) => ({ seq: e.seq, action: e.action, details: JSON.parse(e.details) as Record<string, unknown> })),
        serials: new Set(certs.map((c) => c.serial)),
        revoked: new Set(certs.filter((c) => c.revokedAt !== null).map((c) => c.serial)),
        crlNumbers: new Set(crls.map((c) => String(c.number))),
        activeKeyName: active?.name ?? null,
        passphrase,
      };
    } finally {
      vault.close();
    }
  }
  throw new Error(`${dir}: the vault does not open: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

/** Every file under `dir`, recursively (dotfiles included), as full paths. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** The serial (lowercase hex, as the vault stores it) of each certificate in a PEM file; [] for a file that holds none. */
export function certificateSerials(path: string): string[] {
  const text = readFileSync(path, 'latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => normalizeSerialHex(new X509Certificate(b).serialNumber) ?? 'unreadable');
}
