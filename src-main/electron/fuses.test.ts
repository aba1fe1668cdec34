/**
 * The fuse decisions for the packaged app live in electron-fuses.json, which
 * the packaging step applies; this reads that file and holds each value.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const config = JSON.parse(readFileSync(new URL('../../electron-fuses.json', import.meta.url), 'utf8')) as { version: string; fuses: Record<string, boolean> };

describe('electron-fuses.json', () => {
  it('turns off every way to run other code in the app and turns on the integrity checks', () => {
    expect(config.version).toBe('1');
    expect(config.fuses).toEqual({
      // ELECTRON_RUN_AS_NODE would make the signed binary a plain Node.js for anyone.
      RunAsNode: false,
      // NODE_OPTIONS=--require … would load code before ours.
      EnableNodeOptionsEnvironmentVariable: false,
      // --inspect would attach a debugger to the process that holds the vault key.
      EnableNodeCliInspectArguments: false,
      EnableCookieEncryption: true,
      // Only the app.asar (checked against the hash embedded in the binary) runs.
      OnlyLoadAppFromAsar: true,
      EnableEmbeddedAsarIntegrityValidation: true,
    });
  });
});
