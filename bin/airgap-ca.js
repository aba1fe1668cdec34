#!/usr/bin/env node
// Entry point of the airgap-ca command. The CLI is TypeScript run directly by
// Node 24's type stripping, so there is no build step between a checkout and
// a ceremony script.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 7)) {
  process.stderr.write(`airgap-ca needs Node.js 24.7 or newer (found ${process.versions.node}). Install Node 24 LTS and try again.\n`);
  process.exit(2);
}
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'ExperimentalWarning') process.stderr.write(`${w.name}: ${w.message}\n`);
});
// Node strips the types of every module the CLI loads on each start (about
// half a second): its compile cache keeps the stripped and compiled code, keyed
// by each source file's content, in a folder only this user can write
// (NODE_DISABLE_COMPILE_CACHE=1 turns it off). A cache that cannot be made is
// no reason to fail: the CLI then starts the slow way.
try {
  const { constants, enableCompileCache } = await import('node:module');
  const { lstatSync, mkdirSync } = await import('node:fs');
  const { homedir } = await import('node:os');
  const { dirname, isAbsolute, join } = await import('node:path');
  // The XDG base-directory spec: a relative XDG_CACHE_HOME is ignored.
  const xdg = process.env.XDG_CACHE_HOME;
  const dir = join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'airgap-ca', 'node-compile-cache');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Code is loaded from this folder, so it must be ours alone: a folder (or
  // its parent) that is a link, owned by someone else or writable by the group
  // or others could hand this process someone else's code. Such a cache is not
  // used (mkdirSync leaves an existing folder's mode as it was).
  const unsafe = [dir, dirname(dir)].find((p) => {
    const st = lstatSync(p);
    if (!st.isDirectory()) return true;
    if (typeof process.getuid !== 'function') return false;
    return st.uid !== process.getuid() || (st.mode & 0o022) !== 0;
  });
  if (unsafe === undefined) {
    const { status } = enableCompileCache(dir);
    // Worker threads (batch issuance's) do not share this thread's cache: they read
    // NODE_COMPILE_CACHE when they start. Without it each worker strips every module
    // it loads again (~0.3 s of CPU each). Children of the CLI get a minimal environment.
    // (ALREADY_ENABLED: the user's own NODE_COMPILE_CACHE is in force, and the workers inherit it.)
    if (status === constants.compileCacheStatus.ENABLED) process.env.NODE_COMPILE_CACHE = dir;
  } else {
    process.stderr.write(`warning: not using the compile cache ${unsafe}: it is a link, not yours, or writable by others (chmod go-w it, or remove it). Starting without it.\n`);
  }
} catch {
  // Starts without the cache.
}
await import('../src-main/cli/main.ts');
