/**
 * Test support (not shipped behaviour): a real FAT file system in an image
 * file, made with mkfs.vfat and mounted through FUSE with fusefat — no kernel
 * mount and no loop device needed — and read back with mtools as an
 * independent reader. Debian packages: dosfstools, fusefat, fuse3, mtools
 * (listed in .ci/apt-packages).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Run a program; never throws on a non-zero exit (the caller asserts on `code`). */
export async function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  try {
    const r = await execFileP(cmd, [...args], { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number | string; message: string };
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? err.message, code: typeof err.code === 'number' ? err.code : 127 };
  }
}

async function must(cmd: string, args: readonly string[]): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** A FAT image of `sizeKiB` KiB (FAT12/16/32 chosen by mkfs.vfat for the size, or forced with `fatBits`). */
export async function makeFatImage(image: string, sizeKiB: number, opts: { label?: string; fatBits?: 12 | 16 | 32 } = {}): Promise<void> {
  const args = ['-C'];
  if (opts.label) args.push('-n', opts.label);
  if (opts.fatBits) args.push('-F', String(opts.fatBits));
  await must('mkfs.vfat', [...args, image, String(sizeKiB)]);
}

async function isMounted(mountpoint: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  // Field 5 is the mount point, with spaces etc. escaped as octal.
  return info.split('\n').some((line) => line.split(' ')[4] === mountpoint.replace(/[\s\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0')));
}

async function waitUntil(what: string, cond: () => Promise<boolean>, child: ChildProcess | null): Promise<void> {
  // Bounded polling for a daemon to come up; not a timing assertion.
  for (let i = 0; i < 1000; i++) {
    if (await cond()) return;
    if (child && child.exitCode !== null) throw new Error(`${what}: fusefat exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what}: gave up waiting`);
}

export interface FatMount {
  image: string;
  mountpoint: string;
  /** Settles when fusefat has exited (after an unmount from outside too), so the image is complete. */
  exited: Promise<void>;
  /** Unmount cleanly (fusermount -u) and wait for fusefat to finish writing the image. */
  unmount(): Promise<void>;
  /** Pull the medium: SIGKILL fusefat; every access to the mount point then fails with ENOTCONN until `cleanup`. */
  yank(): Promise<void>;
  /** Unmount whatever is left (after yank too); safe to call twice. */
  cleanup(): Promise<void>;
}

/** Mount `image` on `mountpoint` (an existing empty folder) with fusefat in the foreground, so the test owns its process. */
export async function mountFat(image: string, mountpoint: string, opts: { readOnly?: boolean } = {}): Promise<FatMount> {
  const child = spawn('fusefat', ['-f', '-s', '-o', opts.readOnly ? 'ro' : 'rw+', image, mountpoint], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined);
  await waitUntil(`mounting ${image}`, () => isMounted(mountpoint), child);
  let gone = false;
  const m: FatMount = {
    image,
    mountpoint,
    exited,
    async unmount() {
      if (gone) return;
      await must('fusermount', ['-u', mountpoint]);
      await exited;
      gone = true;
    },
    async yank() {
      child.kill('SIGKILL');
      await exited;
    },
    async cleanup() {
      if (!gone && child.exitCode === null && child.signalCode === null) {
        await m.unmount();
        return;
      }
      if (await isMounted(mountpoint)) await must('fusermount', ['-u', mountpoint]);
      gone = true;
    },
  };
  return m;
}

/** Read a file out of a FAT image with mtools (an independent FAT implementation); `path` is absolute inside the image. */
export async function mtoolsRead(image: string, path: string): Promise<Buffer> {
  return await new Promise((resolve, reject) => {
    const child = spawn('mcopy', ['-n', '-i', image, `::${path}`, '-'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`mcopy ::${path}: ${err.trim()}`))));
  });
}

/** Names in a folder of a FAT image, by mtools (`mdir -b`); [] when the folder does not exist. */
export async function mtoolsList(image: string, path: string): Promise<string[]> {
  const r = await run('mdir', ['-b', '-i', image, `::${path}`], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.replace(/^::/, '').replace(/\/$/, '').split('/').pop() as string);
}

/** fsck.fat in no-change mode: is the image a consistent FAT file system? */
export async function fsckFat(image: string): Promise<ExecResult> {
  return await run('fsck.fat', ['-n', image]);
}

/** Fills a mounted volume with someone else's file (`filler.bin`) until the file system refuses more: a full medium. */
export async function fillMedium(mountpoint: string): Promise<void> {
  const fh = await open(join(mountpoint, 'filler.bin'), constants.O_WRONLY | constants.O_CREAT);
  const chunk = new Uint8Array(4096);
  try {
    for (;;) await fh.write(chunk);
  } catch {
    // Full: ENOSPC (or EPERM from fusefat).
  } finally {
    await fh.close();
  }
}

/** A process whose working folder is on the medium at `dir`: the volume is busy (an eject is refused) until `release`. */
export async function holdMedium(dir: string): Promise<{ pid: number; release(): Promise<void> }> {
  const holder = spawn('sleep', ['600'], { cwd: dir, stdio: 'ignore' });
  await new Promise<void>((r) => holder.once('spawn', () => r()));
  return {
    pid: holder.pid!,
    release: async () => {
      holder.kill('SIGKILL');
      await new Promise<void>((r) => (holder.exitCode !== null || holder.signalCode !== null ? r() : holder.once('exit', () => r())));
    },
  };
}
