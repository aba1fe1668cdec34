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
await import('../src-main/cli/main.ts');
