/**
 * Finding removable media (`media list`): the platform's own view (lsblk,
 * diskutil, PowerShell), plus the folders named in AIRGAP_CA_MEDIA_ROOTS for
 * mounted volumes that detection misses. Commands are run through an
 * injected `run`, so parsing is tested on recorded output.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, realpath, stat, statfs as fsStatfs } from 'node:fs/promises';
import { basename, dirname, posix, resolve, win32 } from 'node:path';
import { LSBLK_ARGS, parseLsblk, parseMounts } from './detect-linux.ts';
import { mountedIdsFromList, volumeFromInfo, type MacVolume } from './detect-macos.ts';
import { POWERSHELL_ARGS, parseWindowsStorage } from './detect-windows.ts';
import type { RemovableMedium } from './medium.ts';

export type { RemovableMedium };

export type RunCommand = (cmd: string, args: readonly string[]) => Promise<string>;

export interface DetectDeps {
  platform: NodeJS.Platform;
  run: RunCommand;
  env: Readonly<Record<string, string | undefined>>;
  /** Free and total bytes of a mounted folder; default fs.statfs. */
  statfs?: (path: string) => Promise<{ freeBytes: number; totalBytes: number } | null>;
  /** Linux mount table; default /proc/self/mounts. */
  readMounts?: () => Promise<string>;
  isDirectory?: (path: string) => Promise<boolean>;
}

export const MEDIA_ROOTS_ENV = 'AIRGAP_CA_MEDIA_ROOTS';

/**
 * Where each external tool may live. A tool is never looked up through PATH
 * (a folder early on PATH could hold a fake `lsblk`): only these system
 * folders count, in order.
 */
export const TOOL_LOCATIONS: Readonly<Record<string, readonly string[]>> = {
  lsblk: ['/usr/bin/lsblk', '/bin/lsblk', '/usr/sbin/lsblk', '/sbin/lsblk'],
  findmnt: ['/usr/bin/findmnt', '/bin/findmnt', '/usr/sbin/findmnt', '/sbin/findmnt'],
  diskutil: ['/usr/sbin/diskutil'],
  udisksctl: ['/usr/bin/udisksctl', '/bin/udisksctl'],
  umount: ['/usr/bin/umount', '/bin/umount', '/usr/sbin/umount', '/sbin/umount'],
  fusermount3: ['/usr/bin/fusermount3', '/bin/fusermount3'],
  fusermount: ['/usr/bin/fusermount', '/bin/fusermount'],
  'powershell.exe': ['%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'],
};

/** The absolute path of a known tool, or null when it is not installed in a system folder. */
export function resolveTool(name: string, env: Readonly<Record<string, string | undefined>>, exists: (path: string) => boolean = existsSync): string | null {
  const candidates = TOOL_LOCATIONS[name];
  if (!candidates) return null;
  for (const c of candidates) {
    const path = c.replace('%SystemRoot%', env['SystemRoot'] ?? 'C:\\Windows');
    if (exists(path)) return path;
  }
  return null;
}

/**
 * The whole environment a tool gets: a fixed locale so its output parses the
 * same everywhere, and on Windows the two variables PowerShell cannot start
 * without. Nothing else of ours (no passphrase, no vault path) reaches it.
 */
export function toolEnvironment(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  if (platform === 'win32') return { SystemRoot: env['SystemRoot'] ?? 'C:\\Windows', windir: env['windir'] ?? env['SystemRoot'] ?? 'C:\\Windows' };
  return { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
}

/** execFile of a known tool by absolute path, with a time limit, no shell and the minimal environment: the default `run`. */
export const runCommand: RunCommand = (cmd, args) =>
  new Promise((resolveP, reject) => {
    const path = resolveTool(cmd, process.env);
    if (!path) {
      reject(new Error(`${cmd} is not installed in a system folder (${(TOOL_LOCATIONS[cmd] ?? []).join(', ') || 'not a tool Airgap CA runs'})`));
      return;
    }
    execFile(path, [...args], { timeout: 15_000, maxBuffer: 8 * 1024 * 1024, encoding: 'utf8', windowsHide: true, env: toolEnvironment(process.platform, process.env) }, (err, stdout) =>
      err ? reject(err) : resolveP(stdout),
    );
  });

async function defaultStatfs(path: string): Promise<{ freeBytes: number; totalBytes: number } | null> {
  try {
    const s = await fsStatfs(path);
    return { freeBytes: Number(s.bavail) * Number(s.bsize), totalBytes: Number(s.blocks) * Number(s.bsize) };
  } catch {
    return null;
  }
}

async function defaultIsDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export function systemDeps(): DetectDeps {
  return { platform: process.platform, run: runCommand, env: process.env };
}

export interface DetectResult {
  media: RemovableMedium[];
  /** Why detection found nothing where it could have (a command missing or failing); configured roots still count. */
  problems: string[];
}

async function detectLinux(deps: DetectDeps, problems: string[]): Promise<RemovableMedium[]> {
  let out: string;
  try {
    out = await deps.run('lsblk', LSBLK_ARGS);
  } catch (e) {
    problems.push(`lsblk failed: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
  const statfs = deps.statfs ?? defaultStatfs;
  const media: RemovableMedium[] = [];
  for (const v of parseLsblk(out)) {
    const space = await statfs(v.mountpoint);
    media.push({
      path: v.mountpoint,
      label: v.label ?? basename(v.mountpoint),
      fsType: v.fsType,
      freeBytes: space?.freeBytes ?? null,
      totalBytes: space?.totalBytes ?? v.sizeBytes,
      source: 'detected',
    });
  }
  return media;
}

async function detectMac(deps: DetectDeps, problems: string[]): Promise<RemovableMedium[]> {
  let list: string;
  try {
    list = await deps.run('diskutil', ['list', '-plist', 'external', 'physical']);
  } catch (e) {
    problems.push(`diskutil list failed: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
  const media: RemovableMedium[] = [];
  for (const id of mountedIdsFromList(list)) {
    let v: MacVolume | null;
    try {
      v = volumeFromInfo(await deps.run('diskutil', ['info', '-plist', id]));
    } catch (e) {
      problems.push(`diskutil info ${id} failed: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (!v) continue;
    media.push({ path: v.mountpoint, label: v.label ?? basename(v.mountpoint), fsType: v.fsType, freeBytes: v.freeBytes, totalBytes: v.totalBytes, source: 'detected' });
  }
  return media;
}

async function detectWindows(deps: DetectDeps, problems: string[]): Promise<RemovableMedium[]> {
  let out: string;
  try {
    out = await deps.run('powershell.exe', POWERSHELL_ARGS);
  } catch (e) {
    problems.push(`PowerShell storage query failed: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
  return parseWindowsStorage(out, deps.env['SystemDrive'] ?? 'C:').map((v) => ({
    path: v.path,
    label: v.label ?? `${v.letter}:`,
    fsType: v.fsType,
    freeBytes: v.freeBytes,
    totalBytes: v.totalBytes,
    source: 'detected' as const,
  }));
}

function pathApi(platform: NodeJS.Platform): typeof posix {
  return platform === 'win32' ? win32 : posix;
}

/** The folders named in AIRGAP_CA_MEDIA_ROOTS (path-delimiter separated) that exist now. */
async function configuredRoots(deps: DetectDeps): Promise<RemovableMedium[]> {
  const raw = deps.env[MEDIA_ROOTS_ENV];
  if (!raw) return [];
  const p = pathApi(deps.platform);
  const isDir = deps.isDirectory ?? defaultIsDirectory;
  const statfs = deps.statfs ?? defaultStatfs;
  let mounts: Array<{ mountpoint: string; fsType: string }> = [];
  if (deps.platform === 'linux') {
    try {
      mounts = parseMounts(await (deps.readMounts ?? (() => readFile('/proc/self/mounts', 'utf8')))());
    } catch {
      mounts = [];
    }
  }
  const out: RemovableMedium[] = [];
  for (const entry of raw.split(p.delimiter)) {
    const folder = entry.trim();
    if (folder === '' || !p.isAbsolute(folder)) continue;
    const abs = deps.platform === process.platform ? await realPathOrAncestor(p.resolve(folder)) : p.resolve(folder);
    if (!(await isDir(abs))) continue;
    // The file system is the one of the longest mount point containing the folder.
    const mount = mounts.filter((m) => abs === m.mountpoint || abs.startsWith(m.mountpoint.endsWith('/') ? m.mountpoint : m.mountpoint + '/')).sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
    const space = await statfs(abs);
    out.push({ path: abs, label: p.basename(abs) || abs, fsType: mount?.fsType ?? null, freeBytes: space?.freeBytes ?? null, totalBytes: space?.totalBytes ?? null, source: 'configured' });
  }
  return out;
}

/** Removable volumes, detected and configured, without duplicates; with what went wrong while detecting. */
export async function detectRemovableMedia(deps: DetectDeps): Promise<DetectResult> {
  const problems: string[] = [];
  let detected: RemovableMedium[] = [];
  if (deps.platform === 'linux') detected = await detectLinux(deps, problems);
  else if (deps.platform === 'darwin') detected = await detectMac(deps, problems);
  else if (deps.platform === 'win32') detected = await detectWindows(deps, problems);
  else problems.push(`Removable media are not detected on ${deps.platform}; set ${MEDIA_ROOTS_ENV}.`);
  const media = [...detected];
  const caseless = deps.platform !== 'linux';
  const key = (s: string): string => (caseless ? s.toLowerCase() : s);
  for (const c of await configuredRoots(deps)) {
    if (!media.some((m) => key(m.path) === key(c.path))) media.push(c);
  }
  return { media, problems };
}

export async function listRemovableMedia(deps: DetectDeps): Promise<RemovableMedium[]> {
  return (await detectRemovableMedia(deps)).media;
}

function within(child: string, parent: string, platform: NodeJS.Platform): boolean {
  const p = pathApi(platform);
  const a = platform === 'linux' ? child : child.toLowerCase();
  const b = platform === 'linux' ? parent : parent.toLowerCase();
  const rel = p.relative(b, a);
  return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
}

/** Resolve links in the nearest existing ancestor of `path`, so a vault folder not created yet is checked where it would be. */
async function realPathOrAncestor(path: string): Promise<string> {
  let cur = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      const real = await realpath(cur);
      return rest.length ? resolve(real, ...rest.reverse()) : real;
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return resolve(path);
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

/** Does `path` (or where it would be created) lie on removable media? The vault refuses to live there (VAULT_ON_REMOVABLE_MEDIA). */
export async function isOnRemovableMedia(path: string, deps: DetectDeps): Promise<{ removable: boolean; medium: RemovableMedium | null }> {
  const target = deps.platform === process.platform ? await realPathOrAncestor(path) : path;
  const media = await listRemovableMedia(deps);
  const medium = media.find((m) => within(target, m.path, deps.platform)) ?? null;
  return { removable: medium !== null, medium };
}
