/**
 * Ejecting a medium through the platform, so "safe to remove" is said only
 * after the operating system has flushed and let go of the volume:
 *   Linux   udisksctl unmount -b DEV, then udisksctl power-off -b DEV (a block
 *           device udisks manages); else fusermount -u (a FUSE mount) or
 *           umount PATH.
 *   macOS   diskutil eject PATH.
 *   Windows the shell's Eject verb on the drive letter.
 * Every tool is run by absolute path with an argument array (never a shell
 * command line). A volume still in use is refused with MEDIA_BUSY, naming the
 * processes that hold it where the platform says so.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import { DomainError } from '../errors.ts';
import { parseMounts } from './detect-linux.ts';
import { resolveTool, toolEnvironment } from './detect.ts';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a known tool; resolves with its exit status (null when the tool is not installed). */
export type RunTool = (cmd: string, args: readonly string[]) => Promise<ToolResult | null>;

export interface MediaHolder {
  pid: number;
  command: string;
}

export interface EjectDeps {
  platform: NodeJS.Platform;
  runTool: RunTool;
  /** Linux mount table; default /proc/self/mounts. */
  readMounts?: () => Promise<string>;
  /** Processes with a file, folder or working directory inside `mountpoint`; default: /proc on Linux, none elsewhere. */
  holders?: (mountpoint: string) => Promise<MediaHolder[]>;
}

export interface EjectResult {
  /** The mount point that was ejected. */
  path: string;
  /** The block device (Linux, macOS) or drive letter (Windows), when known. */
  device: string | null;
  /** How it was ejected. */
  method: 'udisksctl' | 'fusermount' | 'umount' | 'diskutil' | 'windows-shell';
  /** True when the drive was also powered off (udisksctl power-off, diskutil eject). */
  poweredOff: boolean;
}

export const runTool: RunTool = (cmd, args) =>
  new Promise((resolveP) => {
    const path = resolveTool(cmd, process.env);
    if (!path) {
      resolveP(null);
      return;
    }
    execFile(path, [...args], { timeout: 60_000, maxBuffer: 1024 * 1024, encoding: 'utf8', windowsHide: true, env: toolEnvironment(process.platform, process.env) }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 127) : 0;
      resolveP({ code, stdout, stderr: stderr || (err && code === 127 ? err.message : '') });
    });
  });

export function systemEjectDeps(): EjectDeps {
  return { platform: process.platform, runTool };
}

const BUSY = /busy|in use|EBUSY|DeviceBusy|dissent/i;

/** Linux: every process whose open files, working directory or root lie inside `mountpoint` (what `fuser -m` would say). */
export async function linuxHolders(mountpoint: string): Promise<MediaHolder[]> {
  const inside = (p: string): boolean => p === mountpoint || p.startsWith(mountpoint.endsWith('/') ? mountpoint : mountpoint + '/');
  const out: MediaHolder[] = [];
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  for (const pid of pids) {
    const links: string[] = [];
    for (const l of ['cwd', 'root']) links.push(`/proc/${pid}/${l}`);
    try {
      for (const fd of await readdir(`/proc/${pid}/fd`)) links.push(`/proc/${pid}/fd/${fd}`);
    } catch {
      // Another user's process, or gone: only what we may see counts.
    }
    let holds = false;
    for (const l of links) {
      try {
        if (inside(await readlink(l))) {
          holds = true;
          break;
        }
      } catch {
        // gone or not ours
      }
    }
    if (!holds) continue;
    let command = '?';
    try {
      command = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
    } catch {
      // gone since
    }
    out.push({ pid: Number(pid), command });
  }
  return out;
}

/** macOS: diskutil names the dissenting process ("dissented by PID 123 (/usr/bin/foo)"). */
export function holdersFromDiskutil(text: string): MediaHolder[] {
  return [...text.matchAll(/PID (\d+)(?: \(([^)]*)\))?/g)].map((m) => ({ pid: Number(m[1]), command: m[2] ? posix.basename(m[2]) : '?' }));
}

function busyError(path: string, holders: MediaHolder[], detail: string): DomainError {
  const who = holders.length ? ` It is held by ${holders.map((h) => `${h.command} (process ${h.pid})`).join(', ')}.` : '';
  return new DomainError(
    'MEDIA_BUSY',
    `The medium at ${path} is still in use and was not ejected.${who} Close the files and windows open on it (a terminal whose folder is on it counts), then eject again. Do not remove it yet.`,
    detail,
  );
}

function failed(path: string, what: string, r: ToolResult | null): DomainError {
  const why = r === null ? `${what} is not installed` : `${what} exited with ${r.code}: ${(r.stderr || r.stdout).trim()}`;
  return new DomainError('MEDIA_EJECT_FAILED', `The medium at ${path} could not be ejected (${why}). Do not remove it yet: eject it with the system's own tools, or shut the machine down before removing it.`, why);
}

async function ejectLinux(path: string, deps: EjectDeps): Promise<EjectResult> {
  const mounts = parseMounts(await (deps.readMounts ?? (() => readFile('/proc/self/mounts', 'utf8')))());
  // The last entry for a mount point is the one on top.
  const mount = mounts.filter((m) => m.mountpoint === path).pop();
  if (!mount) throw new DomainError('MEDIA_NOT_FOUND', `Nothing is mounted at ${path}, so there is nothing to eject. Give the medium's mount point (see "media list").`);
  const holders = deps.holders ?? linuxHolders;
  const busy = async (r: ToolResult): Promise<DomainError> => busyError(path, await holders(path), (r.stderr || r.stdout).trim());
  const isBlock = mount.device.startsWith('/dev/');
  if (isBlock) {
    const r = await deps.runTool('udisksctl', ['unmount', '--no-user-interaction', '-b', mount.device]);
    if (r && r.code === 0) {
      const off = await deps.runTool('udisksctl', ['power-off', '--no-user-interaction', '-b', mount.device]);
      return { path, device: mount.device, method: 'udisksctl', poweredOff: off !== null && off.code === 0 };
    }
    if (r && BUSY.test(r.stderr + r.stdout)) throw await busy(r);
    // udisks missing, or not managing this device, or not allowed: the plain unmount below.
  }
  const fuse = mount.fsType === 'fuse' || mount.fsType.startsWith('fuse.') || mount.fsType === 'fuseblk';
  let tool = 'umount';
  let r: ToolResult | null;
  if (fuse) {
    tool = 'fusermount3';
    r = await deps.runTool('fusermount3', ['-u', path]);
    if (r === null) {
      tool = 'fusermount';
      r = await deps.runTool('fusermount', ['-u', path]);
    }
  } else {
    r = await deps.runTool('umount', [path]);
  }
  if (r && r.code === 0) return { path, device: isBlock ? mount.device : null, method: fuse ? 'fusermount' : 'umount', poweredOff: false };
  if (r && BUSY.test(r.stderr + r.stdout)) throw await busy(r);
  throw failed(path, tool, r);
}

async function ejectMac(path: string, deps: EjectDeps): Promise<EjectResult> {
  const r = await deps.runTool('diskutil', ['eject', path]);
  if (r && r.code === 0) return { path, device: null, method: 'diskutil', poweredOff: true };
  if (r && BUSY.test(r.stderr + r.stdout)) throw busyError(path, holdersFromDiskutil(r.stderr + r.stdout), (r.stderr || r.stdout).trim());
  throw failed(path, 'diskutil eject', r);
}

/**
 * Windows: the Explorer "Eject" verb on the drive. The only value put into
 * the script is the drive letter, checked to be one letter and a colon, so
 * nothing the caller gives can become PowerShell code.
 */
export function windowsEjectArgs(drive: string): string[] {
  if (!/^[A-Za-z]:$/.test(drive)) throw new DomainError('MEDIA_NOT_FOUND', `${drive} is not a drive letter; give the medium's drive (for example E:\\).`);
  const d = drive.toUpperCase();
  return [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    `$ErrorActionPreference='Stop'; (New-Object -ComObject Shell.Application).Namespace(17).ParseName('${d}').InvokeVerb('Eject'); Start-Sleep -Milliseconds 500; if (Test-Path '${d}\\') { Write-Error 'The volume is in use' ; exit 3 }`,
  ];
}

async function ejectWindows(path: string, deps: EjectDeps): Promise<EjectResult> {
  const root = win32.parse(win32.resolve(path)).root.replace(/\\$/, '');
  if (win32.resolve(path).replace(/\\$/, '').toUpperCase() !== root.toUpperCase()) {
    throw new DomainError('MEDIA_NOT_FOUND', `${path} is a folder on a drive, not the drive itself; give the drive (for example ${root}\\) to eject it.`);
  }
  const r = await deps.runTool('powershell.exe', windowsEjectArgs(root));
  if (r && r.code === 0) return { path, device: root.toUpperCase(), method: 'windows-shell', poweredOff: false };
  if (r && (r.code === 3 || BUSY.test(r.stderr))) throw busyError(path, [], (r.stderr || r.stdout).trim());
  throw failed(path, 'the Windows shell eject', r);
}

/** Eject the medium mounted at `path` (its mount point). Nothing in the vault changes. */
export async function ejectMedium(path: string, deps: EjectDeps): Promise<EjectResult> {
  if (deps.platform === 'win32') return await ejectWindows(path, deps);
  let abs = posix.resolve(path);
  if (deps.platform === process.platform) {
    try {
      abs = await realpath(abs);
    } catch {
      throw new DomainError('MEDIA_NOT_FOUND', `${path} does not exist: there is no medium there to eject. Give the medium's mount point (see "media list").`);
    }
  }
  if (deps.platform === 'linux') return await ejectLinux(abs, deps);
  if (deps.platform === 'darwin') return await ejectMac(abs, deps);
  throw new DomainError('MEDIA_EJECT_FAILED', `Ejecting is not supported on ${deps.platform}. Unmount ${path} with the system's own tools before removing it.`);
}
