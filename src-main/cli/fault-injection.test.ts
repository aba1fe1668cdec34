/**
 * Faults at every I/O point (docs/architecture.md, "Writing outside the
 * vault"): each writing operation of the real CLI runs under libfiu
 * (`fiu-run -x`), with fsync, fdatasync, pwrite, write and rename failing
 * once at a random call, forever from the start, or at random — the process
 * survives the error and answers. After every run the vault is opened and
 * checked: integrity check, audit chain, every certificate file on disk is
 * recorded, every success reported is real, every "nothing was changed" is
 * true, every CRL file and every complete package on disk is recorded, and
 * no answer is INTERNAL or carries a stack trace. The counts are
 * printed per operation. Then ENOSPC for real, on a small FAT volume, for
 * the single-issue path.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { readCrl } from '../core/issuance/crl-reader.ts';
import { makeCsr } from '../testing/issuance-fixtures.ts';
import { inProcessCli, type CliRun } from '../testing/cli-in-process.ts';
import { fsckFat, makeFatImage, mountFat, type FatMount } from '../testing/fat-testkit.ts';
import {
  certificateSerials,
  describeMode,
  ERRNOS,
  FAULT_POINTS,
  FaultHost,
  filesUnder,
  inspectVault,
  pool,
  runUnderFaults,
  type FaultMode,
  type FaultRun,
  type VaultState,
} from '../testing/fault-injection.ts';
import { memoryTempDir, removeTempDirs } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const A = 'correct horse battery staple';
const B = 'a brand new passphrase for the officer';
const IO_CODES = new Set(['IO_ERROR', 'DISK_FULL', 'READ_ONLY', 'MEDIA_REMOVED']);
/** export media keeps its own codes for the medium (core/media/media-errors.ts). */
const MEDIA_CODES = new Set(['MEDIA_FULL', 'MEDIA_READ_ONLY', 'MEDIA_REMOVED']);

interface RunDirs {
  vault: string;
  out: string;
  usb: string;
  restored: string;
}

interface Operation {
  name: string;
  args(d: RunDirs): string[];
  /** The audit action a success records. */
  action: string;
  /** Which vault the checks open afterwards (restore: the new one). */
  checked(d: RunDirs): string;
  /** What a success must have made real, beyond its audit event; returns the problems. */
  success(json: Record<string, unknown>, after: VaultState, d: RunDirs): string[];
  /** Beyond the issue's nine: the other commands that write outside the vault, with fewer runs each. */
  extra?: true;
  /** After any run: every output under its final name is one the vault recorded (record first, then write); returns the problems. */
  onDisk?(after: VaultState, d: RunDirs): string[];
  /** The vault it starts from: the common template, or that template after an emergency rotation (export emergency needs one). */
  from?: 'emergency';
}

/** The outputs under their final names in `dir` (no temporary `.NAME.HEX.tmp`). */
function finalFiles(dir: string): string[] {
  return filesUnder(dir).filter((f) => !/\/\.[^/]+\.tmp$/.test(f));
}

/** Every final file in d.out is named by an event `action` of the vault (its `file` detail). */
function recordedFiles(action: string): (after: VaultState, d: RunDirs) => string[] {
  return (after, d) => finalFiles(d.out).flatMap((f) => ok(after.events.some((e) => e.action === action && e.details.file === f), `${f} is on disk, but no ${action} event records it`));
}

let root: string;
let template: string;
let templateState: VaultState;
/** The template after `key activate next --emergency`: root retired for compromise. */
let emergencyTemplate: string;
let emergencyState: VaultState;
let backupFile: string;
let passFile: string;
let newPassFile: string;
let csrFile: string;
let reqDir: string;
let revokeSerial: string;
let home: string;

function ok(cond: boolean, problem: string): string[] {
  return cond ? [] : [problem];
}

const OPERATIONS: Operation[] = [
  {
    name: 'cert issue',
    args: (d) => ['cert', 'issue', '--csr', csrFile, '--out', join(d.out, 'leaf.pem')],
    action: 'cert.issued',
    checked: (d) => d.vault,
    success: (j, after, d) => [
      ...ok(after.serials.has(String(j.serial)), `serial ${String(j.serial)} reported issued is not in the vault`),
      ...ok(existsSync(join(d.out, 'leaf.pem')) && certificateSerials(join(d.out, 'leaf.pem')).includes(String(j.serial)), 'leaf.pem reported written is not there'),
    ],
  },
  {
    name: 'cert issue-batch',
    args: (d) => ['cert', 'issue-batch', '--in', reqDir, '--out', d.out],
    action: 'cert.batch-issued',
    checked: (d) => d.vault,
    success: (j, after) =>
      (j.results as Array<{ ok: boolean; serial: string | null; out: string | null }>).flatMap((r) =>
        r.ok ? [...ok(after.serials.has(String(r.serial)), `batch serial ${String(r.serial)} not in the vault`), ...ok(r.out !== null && existsSync(r.out), `batch file ${String(r.out)} reported written is not there`)] : [],
      ),
  },
  {
    name: 'cert revoke',
    args: () => ['cert', 'revoke', revokeSerial, '--reason', 'keyCompromise'],
    action: 'cert.revoked',
    checked: (d) => d.vault,
    success: (_j, after) => ok(after.revoked.has(revokeSerial), 'the certificate reported revoked is not revoked'),
  },
  {
    name: 'crl generate',
    args: (d) => ['crl', 'generate', '--out', join(d.out, 'ca.crl')],
    action: 'crl.generated',
    checked: (d) => d.vault,
    success: (j, after, d) => [...ok(after.crlNumbers.has(String(j.number)), `CRL number ${String(j.number)} not in the vault`), ...ok(existsSync(join(d.out, 'ca.crl')), 'ca.crl reported written is not there')],
  },
  {
    name: 'export media',
    args: (d) => ['export', 'media', '--to', d.usb],
    action: 'export.written',
    checked: (d) => d.vault,
    success: (j) => ok(typeof j.dir === 'string' && existsSync(join(j.dir, 'MANIFEST.json')) && !existsSync(join(j.dir, 'INCOMPLETE')), 'the package reported written is not complete on the medium'),
  },
  {
    name: 'vault backup',
    args: (d) => ['vault', 'backup', '--out', join(d.out, 'vault.bak')],
    action: 'vault.backup',
    checked: (d) => d.vault,
    success: (_j, _a, d) => ok(existsSync(join(d.out, 'vault.bak')), 'the backup reported written is not there'),
  },
  {
    name: 'vault restore',
    args: (d) => ['--vault', d.restored, 'vault', 'restore', '--from', backupFile],
    action: 'vault.restored',
    checked: (d) => d.restored,
    success: () => [],
  },
  {
    name: 'vault change-passphrase',
    args: () => ['vault', 'change-passphrase', '--new-passphrase-file', newPassFile],
    action: 'vault.passphrase-changed',
    checked: (d) => d.vault,
    success: (_j, after) => ok(after.passphrase === B, 'the passphrase reported changed is not the one that opens the vault'),
  },
  {
    name: 'key activate --emergency',
    args: () => ['--witness', 'bob', 'key', 'activate', 'next', '--emergency'],
    action: 'key.emergency-activated',
    checked: (d) => d.vault,
    success: (_j, after) => ok(after.activeKeyName === 'next', 'the key reported activated is not the active one'),
  },
  {
    // issue 17's list plus the emergency package: a writing operation onto the medium, signed, recorded in circulation.
    name: 'export emergency',
    args: (d) => ['export', 'emergency', '--to', d.usb],
    action: 'export.emergency-written',
    checked: (d) => d.vault,
    from: 'emergency',
    success: (j) => ok(typeof j.dir === 'string' && existsSync(join(j.dir, 'MANIFEST.json')) && existsSync(join(j.dir, 'EMERGENCY.json')) && !existsSync(join(j.dir, 'INCOMPLETE')), 'the emergency package reported written is not complete on the medium'),
  },
  {
    name: 'fleet remaining',
    args: (d) => ['fleet', 'remaining', '--key', 'root', '--out', join(d.out, 'remaining.csv')],
    action: 'fleet.remaining-written',
    checked: (d) => d.vault,
    success: (_j, _a, d) => ok(existsSync(join(d.out, 'remaining.csv')), 'remaining.csv reported written is not there'),
    extra: true,
    onDisk: recordedFiles('fleet.remaining-written'),
  },
  {
    name: 'audit checkpoint',
    args: (d) => ['audit', 'checkpoint', '--out', join(d.out, 'checkpoint.json')],
    action: 'audit.checkpoint-written',
    checked: (d) => d.vault,
    success: (_j, _a, d) => ok(existsSync(join(d.out, 'checkpoint.json')), 'checkpoint.json reported written is not there'),
    extra: true,
    onDisk: recordedFiles('audit.checkpoint-written'),
  },
  {
    name: 'ceremony kit',
    args: (d) => ['ceremony', 'kit', '--ceremony', 'root', '--key', 'next', '--out', join(d.out, 'kit.html')],
    action: 'ceremony.kit-written',
    checked: (d) => d.vault,
    success: (_j, _a, d) => ok(existsSync(join(d.out, 'kit.html')), 'kit.html reported written is not there'),
    extra: true,
    onDisk: (after, d) => finalFiles(d.out).flatMap((f) => ok(after.events.some((e) => e.action === 'ceremony.kit-written'), `${f} is on disk, but no ceremony.kit-written event records it`)),
  },
  {
    name: 'crl calendar --ics',
    args: (d) => ['crl', 'calendar', '--ics', join(d.out, 'crl.ics')],
    // Records nothing: the calendar is of what the vault holds.
    action: '',
    checked: (d) => d.vault,
    success: (_j, _a, d) => ok(existsSync(join(d.out, 'crl.ics')), 'crl.ics reported written is not there'),
    extra: true,
  },
  {
    name: 'vault add-quorum',
    args: (d) => ['vault', 'add-quorum', '--quorum', '2/3', '--shares-dir', join(d.out, 'shares')],
    action: 'vault.slot-added',
    checked: (d) => d.vault,
    success: (_j, _a, d) => ok(finalFiles(join(d.out, 'shares')).length === 3, 'the three shares reported written are not there'),
    extra: true,
    // A partial set of shares is no delivery: shares on disk only beside the slot they open.
    onDisk: (after, d) => {
      const shares = finalFiles(join(d.out, 'shares'));
      return shares.length ? ok(after.events.some((e) => e.action === 'vault.slot-added'), `${shares.length} share files are on disk, but no slot was added`) : [];
    },
  },
];

/**
 * Per operation, as CLI children of their own (the real process: its start, its stdout, its exit,
 * the default cost of a new passphrase): the unfaulted run, fail-forever at each point, and random.
 * The costly runs (a process start each), so few.
 */
function processModesFor(opIndex: number): Array<FaultMode | null> {
  const errnos = Object.values(ERRNOS);
  const modes: Array<FaultMode | null> = [null];
  FAULT_POINTS.forEach((point, i) => modes.push({ kind: 'forever', point, errno: errnos[(i + opIndex) % errnos.length] as number }));
  for (let i = 0; i < 3; i++) modes.push({ kind: 'random' });
  return modes;
}

/** Fail-once probabilities per call: the low ones reach the late calls (the commit, the folder sync, the rename of the output). */
const ONCE_PROBABILITIES = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9];
/** Rounds of fail-once over every point and probability, and random runs, per operation in the fault hosts. */
const ONCE_ROUNDS = 4;
const RANDOM_RUNS = 25;

/**
 * Per operation, in the long-lived fault hosts (the same CLI code, one process each, no start per
 * run): fail-forever at each point with each errno, fail-once at each point at each probability
 * (ONCE_ROUNDS times, the errno turning), and random.
 */
function hostModesFor(opIndex: number, extra = false): FaultMode[] {
  const errnos = Object.values(ERRNOS);
  const modes: FaultMode[] = [];
  if (extra) {
    // The other writing commands: each point forever, fail-once at each point at four probabilities, random.
    FAULT_POINTS.forEach((point, i) => modes.push({ kind: 'forever', point, errno: errnos[(i + opIndex) % errnos.length] as number }));
    FAULT_POINTS.forEach((point, i) => [0.05, 0.2, 0.5, 0.9].forEach((probability, j) => modes.push({ kind: 'once', point, probability, errno: errnos[(i + j + opIndex) % errnos.length] as number })));
    for (let i = 0; i < 5; i++) modes.push({ kind: 'random' });
    return modes;
  }
  for (const point of FAULT_POINTS) for (const errno of errnos) modes.push({ kind: 'forever', point, errno });
  for (let round = 0; round < ONCE_ROUNDS; round++) {
    FAULT_POINTS.forEach((point, i) => ONCE_PROBABILITIES.forEach((probability, j) => modes.push({ kind: 'once', point, probability, errno: errnos[(i + j + round + opIndex) % errnos.length] as number })));
  }
  for (let i = 0; i < RANDOM_RUNS; i++) modes.push({ kind: 'random' });
  return modes;
}

interface Outcome {
  op: string;
  mode: string;
  /** forever, once, random or none. */
  kind: string;
  /** A CLI child of its own, or a run in a fault host. */
  where: 'process' | 'host';
  /** Wall time of the run and its checks (printed, never asserted). */
  ms: number;
  result: string;
  problems: string[];
}

function errorOf(run: FaultRun): { code: string; message: string } | null {
  const e = (run.json as { error?: { code: string; message: string } } | undefined)?.error;
  return e ?? null;
}

/** "Nothing was changed" as a claim about the whole operation (not "the failed step changed nothing else"). */
function claimsNothingChanged(message: string): boolean {
  return /\bnothing was (changed|restored)\b/i.test(message) && !/changed nothing else|Recorded in the vault before the failure/.test(message);
}

type Runner = (args: string[], mode: FaultMode | null, env: Record<string, string>, seed: number) => Promise<FaultRun>;

function runDirOf(op: Operation, where: 'process' | 'host', index: number): string {
  return join(root, 'runs', `${op.name.replace(/\W+/g, '-')}-${where}-${index}`);
}

/** One run and its checks; the run's folder is removed when it broke no check (a broken one stays to be looked at). */
async function runOnce(op: Operation, mode: FaultMode | null, index: number, runner: Runner, where: 'process' | 'host'): Promise<Outcome> {
  const outcome = await runAndCheck(op, mode, index, runner, where);
  if (!outcome.problems.length) rmSync(runDirOf(op, where, index), { recursive: true, force: true });
  return outcome;
}

async function runAndCheck(op: Operation, mode: FaultMode | null, index: number, runner: Runner, where: 'process' | 'host'): Promise<Outcome> {
  const started = Date.now();
  const runDir = runDirOf(op, where, index);
  const d: RunDirs = { vault: join(runDir, 'vault'), out: join(runDir, 'out'), usb: join(runDir, 'usb'), restored: join(runDir, 'restored') };
  mkdirSync(d.out, { recursive: true });
  mkdirSync(d.usb, { recursive: true });
  cpSync(op.from === 'emergency' ? emergencyTemplate : template, d.vault, { recursive: true });
  const env = { HOME: home, AIRGAP_CA_VAULT: d.vault, AIRGAP_CA_ACTOR: 'officer', AIRGAP_CA_MEDIA_ROOTS: d.usb, AIRGAP_CA_LOG_FILE: join(runDir, 'airgap-ca.log') };
  const run = await runner(['--json', '--passphrase-file', passFile, ...op.args(d)], mode, env, 1000 + index);
  const tag = { op: op.name, mode: mode ? describeMode(mode) : 'none', kind: mode?.kind ?? 'none', where, get ms() { return Date.now() - started; } };
  const problems: string[] = [];
  const checkedDir = op.checked(d);
  const err = errorOf(run);
  const succeeded = run.code === 0 && run.json !== undefined && err === null;
  if (run.signal) problems.push(`the process was killed by ${run.signal} (stderr: ${run.stderr.slice(0, 300)})`);
  // A batch answers with its results and exit 1 when some of its files could not be written.
  const batch = !succeeded && !err && run.code === 1 ? (run.json as { results?: Array<{ ok: boolean; serial: string | null; out: string | null; code: string | null; message: string | null }> } | undefined)?.results : undefined;
  const result = run.signal ? `killed by ${run.signal}` : succeeded ? 'success' : err ? err.code : batch ? 'files reported not written' : 'no answer';
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(run.stderr)) problems.push(`a stack trace on stderr: ${run.stderr.slice(0, 300)}`);
  if (err?.code === 'INTERNAL') problems.push(`INTERNAL: ${err.message} (log: ${run.stderr.slice(0, 200)})`);
  if (op.name === 'vault restore' && !existsSync(checkedDir)) {
    // Nothing restored: that must be what it said (or it said nothing).
    if (succeeded) problems.push('restore reported done, but there is no restored vault');
    return { ...tag, result, problems };
  }
  let after: VaultState;
  try {
    after = await inspectVault(checkedDir, [A, B]);
  } catch (e) {
    problems.push((e as Error).message);
    return { ...tag, result, problems };
  }
  const base = op.name === 'vault restore' ? null : op.from === 'emergency' ? emergencyState : templateState;
  const fresh = after.events.filter((e) => e.seq > (base?.head?.seq ?? 0));
  // Every certificate file on disk is one the vault recorded; no temporary file is left behind.
  for (const f of filesUnder(d.out)) {
    if (/\/\.[^/]+\.tmp$/.test(f)) problems.push(`a temporary file was left: ${f}`);
    if (f.endsWith('.pem')) for (const s of certificateSerials(f)) if (!after.serials.has(s)) problems.push(`${f} holds serial ${s}, which the vault does not know`);
  }
  // Every CRL file on disk carries a number the vault recorded.
  for (const f of filesUnder(d.out).filter((p) => p.endsWith('.crl'))) {
    const n = readCrl(readFileSync(f)).crlNumber;
    if (n === undefined || !after.crlNumbers.has(String(n))) problems.push(`${f} holds CRL number ${String(n)}, which the vault does not know`);
  }
  // Every package on the medium that a receiver would accept (no INCOMPLETE marker, not renamed -INCOMPLETE) is one the vault recorded.
  for (const name of readdirSync(d.usb)) {
    const pkg = join(d.usb, name);
    if (name.endsWith('-INCOMPLETE') || existsSync(join(pkg, 'INCOMPLETE'))) continue;
    if (!after.events.some((e) => (e.action === 'export.written' || e.action === 'export.emergency-written') && e.details.dir === pkg)) problems.push(`the complete package ${pkg} is not recorded (no export.written or export.emergency-written)`);
  }
  if (op.onDisk) problems.push(...op.onDisk(after, d));
  for (const r of batch ?? []) {
    if (r.ok) problems.push(...ok(r.serial !== null && after.serials.has(r.serial) && r.out !== null && existsSync(r.out), `batch item ${String(r.serial)} reported written is not real`));
    else if (r.serial !== null) problems.push(...ok(after.serials.has(r.serial) && (r.message ?? '').includes(`cert show ${r.serial} --out FILE`), `batch item ${r.serial} reported recorded (${String(r.message)}) is not, or names no way to write it`));
  }
  if (succeeded) {
    if (op.action && !fresh.some((e) => e.action === op.action)) problems.push(`reported done, but the vault has no ${op.action} event`);
    problems.push(...op.success(run.json as Record<string, unknown>, after, d));
  } else if (err) {
    if (!IO_CODES.has(err.code) && !((op.name === 'export media' || op.name === 'export emergency') && MEDIA_CODES.has(err.code)) && err.code !== 'INTERNAL') problems.push(`refused with ${err.code}, not an I/O code: ${err.message}`);
    if (claimsNothingChanged(err.message)) {
      if (base && fresh.length) problems.push(`said nothing was changed, but the vault has new events: ${fresh.map((e) => e.action).join(', ')} (${err.message})`);
      if (after.passphrase !== A) problems.push('said nothing was changed, but the passphrase changed');
      const left = filesUnder(d.out);
      if (left.length) problems.push(`said nothing was changed, but left ${left.join(', ')}`);
    }
    for (const m of err.message.matchAll(/[Cc]ertificate serial ([0-9a-f]+) was recorded/g)) if (!after.serials.has(m[1] as string)) problems.push(`said serial ${m[1]} was recorded; it is not`);
  }
  return { ...tag, result, problems };
}

beforeAll(async () => {
  // The faults come from libfiu at the C calls (fsync, pwrite, rename …), not from the disk: in memory the
  // runs are the same, without waiting on a shared disk for every sync that is let through.
  root = memoryTempDir('airgap-faults-');
  home = join(root, 'home');
  mkdirSync(home);
  template = join(root, 'template');
  const clock = fixedClock(new Date(Date.now() - 3_600_000));
  const cli = inProcessCli({ vault: template, clock, env: { AIRGAP_CA_PASSPHRASE: A } });
  const must = async (args: string[]): Promise<CliRun> => {
    const r = await cli(args);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return r;
  };
  await must(['vault', 'init']);
  await must(['key', 'create', '--name', 'root']);
  await must(['key', 'self-sign', 'root', '--subject', 'CN=Fault Test Root']);
  await must(['key', 'activate', 'root']);
  await must(['key', 'create', '--name', 'next']);
  await must(['key', 'self-sign', 'next', '--subject', 'CN=Fault Test Root 2']);
  csrFile = join(root, 'r.csr');
  writeFileSync(csrFile, makeCsr('p256', 'agent-0001'));
  reqDir = join(root, 'reqs');
  mkdirSync(reqDir);
  for (let i = 0; i < 3; i++) writeFileSync(join(reqDir, `agent-${i}.csr`), makeCsr('p256', `agent-b${i}`));
  const issued = await must(['--json', 'cert', 'issue', '--csr', csrFile, '--out', join(root, 'first.pem')]);
  revokeSerial = (issued.json as { serial: string }).serial;
  backupFile = join(root, 'template.bak');
  await must(['vault', 'backup', '--out', backupFile]);
  passFile = join(root, 'pass-a');
  writeFileSync(passFile, A);
  newPassFile = join(root, 'pass-b');
  writeFileSync(newPassFile, B);
  templateState = await inspectVault(template, [A]);
  emergencyTemplate = join(root, 'template-emergency');
  cpSync(template, emergencyTemplate, { recursive: true });
  const emergencyCli = inProcessCli({ vault: emergencyTemplate, clock, env: { AIRGAP_CA_PASSPHRASE: A } });
  const rotated = await emergencyCli(['--witness', 'bob', 'key', 'activate', 'next', '--emergency']);
  if (rotated.code !== 0) throw new Error(`key activate next --emergency: ${rotated.stderr}${rotated.stdout}`);
  emergencyState = await inspectVault(emergencyTemplate, [A]);
}, 120_000);

describe('every writing operation under injected I/O faults', () => {
  const hosts: FaultHost[] = [];
  afterAll(() => {
    for (const h of hosts) h.close();
  });

  it('leaves a vault that opens and verifies, no unrecorded certificate, and only true answers', async () => {
    // Four at a time, each worker with its own fault host: a run spends about half its time waiting on
    // its fsyncs and renames, so two workers left a 2-core machine half idle; four keep both cores busy.
    const width = 4;
    for (let i = 0; i < width; i++) hosts.push(new FaultHost(join(root, `fiu-ctrl-${i}`), 7000 + 100 * i));
    const processJobs = OPERATIONS.flatMap((op, oi) => (op.extra ? [null] : processModesFor(oi)).map((mode, mi) => (_w: number) => runOnce(op, mode, mi, runUnderFaults, 'process')));
    const hostJobs = OPERATIONS.flatMap((op, oi) => hostModesFor(oi, op.extra).map((mode, mi) => (w: number) => runOnce(op, mode, mi, (args, m, env) => (hosts[w] as FaultHost).run(args, m, env), 'host')));
    const outcomes = await pool([...hostJobs, ...processJobs], width);
    // The counts, per operation: runs (in a process of their own / in a fault host), by fault kind, answers by code.
    const lines: string[] = [];
    for (const op of OPERATIONS) {
      const mine = outcomes.filter((o) => o.op === op.name);
      const by = new Map<string, number>();
      for (const o of mine) by.set(o.result, (by.get(o.result) ?? 0) + 1);
      const kinds = ['none', 'forever', 'once', 'random'].map((k) => `${k} ${mine.filter((o) => o.kind === k).length}`).join(', ');
      const broken = mine.filter((o) => o.problems.length).length;
      lines.push(
        `${op.name.padEnd(26)} runs ${String(mine.length).padStart(3)} (${mine.filter((o) => o.where === 'process').length} own process, ${mine.filter((o) => o.where === 'host').length} fault host; ${kinds}): ` +
          `${[...by].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}; runs breaking a check: ${broken}`,
      );
    }
    const mean = (where: string) => {
      const xs = outcomes.filter((o) => o.where === where);
      return xs.length ? Math.round(xs.reduce((n, o) => n + o.ms, 0) / xs.length) : 0;
    };
    lines.push(`total runs ${outcomes.length}, successes ${outcomes.filter((o) => o.result === 'success').length}, runs breaking a check ${outcomes.filter((o) => o.problems.length).length}; mean ms per run: own process ${mean('process')}, fault host ${mean('host')}`);
    console.log(`fault injection (fiu-run):\n${lines.join('\n')}`);
    const failed = outcomes.filter((o) => o.problems.length).map((o) => `${o.op} [${o.where} ${o.mode}] → ${o.result}: ${o.problems.join(' | ')}`);
    expect(failed).toEqual([]);
    for (const op of OPERATIONS) {
      const mine = outcomes.filter((o) => o.op === op.name);
      // Hundreds of runs per operation of the issue's nine, fail-once and fail-forever among them; dozens for the others.
      expect(mine.length, op.name).toBeGreaterThanOrEqual(op.extra ? 30 : 200);
      expect(mine.filter((o) => o.kind === 'once').length, op.name).toBeGreaterThanOrEqual(op.extra ? 20 : 100);
      expect(mine.filter((o) => o.kind === 'forever').length, op.name).toBeGreaterThanOrEqual(5);
      // Each operation succeeded unfaulted and was refused under some fault: the suite exercised both paths.
      expect(mine.some((o) => o.result === 'success'), op.name).toBe(true);
      expect(mine.some((o) => IO_CODES.has(o.result) || MEDIA_CODES.has(o.result)), op.name).toBe(true);
    }
  }, 2_400_000);
});

describe('a full disk for real: cert issue --out onto a small FAT volume', () => {
  let mount: FatMount | undefined;
  afterAll(async () => {
    await mount?.cleanup();
  });

  it('answers DISK_FULL with the recorded serial and the command that writes the file again; nothing half-written is left', async () => {
    const image = join(root, 'small.img');
    const mnt = join(root, 'mnt');
    mkdirSync(mnt);
    await makeFatImage(image, 256, { label: 'FULL' });
    mount = await mountFat(image, mnt);
    const counts = new Map<string, number>();
    // Fill the volume to within `room` bytes of full, then issue onto it.
    for (const [i, room] of [0, 0, 200, 600, 1200, 4096].entries()) {
      for (const f of readdirSync(mnt)) if (f.startsWith('fill')) rmSync(join(mnt, f));
      const s = statfsSync(mnt);
      const free = Number(s.bavail) * Number(s.bsize);
      if (free > room) writeFileSync(join(mnt, `fill-${i}`), Buffer.alloc(free - room));
      const runDir = join(root, 'fat-runs', String(i));
      const vault = join(runDir, 'vault');
      mkdirSync(runDir, { recursive: true });
      cpSync(template, vault, { recursive: true });
      const out = join(mnt, `leaf-${i}.pem`);
      const env = { HOME: home, AIRGAP_CA_VAULT: vault, AIRGAP_CA_LOG_FILE: join(runDir, 'log') };
      const run = await runUnderFaults(['--json', '--passphrase-file', passFile, 'cert', 'issue', '--csr', csrFile, '--out', out], null, env, i);
      const after = await inspectVault(vault, [A]);
      const err = errorOf(run);
      counts.set(err?.code ?? 'success', (counts.get(err?.code ?? 'success') ?? 0) + 1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      // Nothing temporary is left on the medium, and every certificate file there is recorded.
      expect(readdirSync(mnt).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      if (existsSync(out)) for (const serial of certificateSerials(out)) expect(after.serials.has(serial)).toBe(true);
      if (err) {
        expect(err.code).toBe('DISK_FULL');
        const serial = /[Cc]ertificate serial ([0-9a-f]+) was recorded/.exec(err.message)?.[1];
        expect(serial, err.message).toBeDefined();
        expect(after.serials.has(serial as string)).toBe(true);
        expect(err.message).toContain(`cert show ${serial as string} --out FILE`);
        expect(existsSync(out)).toBe(false);
        // The command the message names writes the file, elsewhere.
        const again = await runUnderFaults(['--json', '--passphrase-file', passFile, 'cert', 'show', serial as string, '--out', join(runDir, 'again.pem')], null, env, i);
        expect(again.code).toBe(0);
        expect(certificateSerials(join(runDir, 'again.pem'))).toEqual([serial]);
      } else {
        expect(run.code).toBe(0);
        const serial = (run.json as { serial: string }).serial;
        expect(after.serials.has(serial)).toBe(true);
        expect(certificateSerials(out)).toEqual([serial]);
      }
    }
    console.log(`ENOSPC on FAT (cert issue): ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    expect(counts.get('DISK_FULL') ?? 0).toBeGreaterThan(0);
    await mount.unmount();
    mount = undefined;
    expect((await fsckFat(image)).code).toBe(0);
  }, 300_000);
});
