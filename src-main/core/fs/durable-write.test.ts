import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stageFileDurably } from './durable-write.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'durable-write-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));

describe('stageFileDurably (a durable write in two halves)', () => {
  it('puts nothing under the final name until publish, then the exact bytes and no temporary file', async () => {
    const out = join(dir, 'ca.crl');
    const staged = stageFileDurably(out, bytes, { exclusive: true, mode: 0o644 });
    expect(existsSync(out)).toBe(false);
    // The bytes are under a hidden temporary name meanwhile.
    expect(readdirSync(dir)).toHaveLength(1);
    expect(readdirSync(dir)[0]).toMatch(/^\.ca\.crl\.[0-9a-f]{12}\.tmp$/);
    await staged.publish();
    expect(readFileSync(out).equals(bytes)).toBe(true);
    expect(readdirSync(dir)).toEqual(['ca.crl']);
  });

  it('leaves nothing at all after discard', async () => {
    const out = join(dir, 'ca.crl');
    await stageFileDurably(out, bytes, { exclusive: true }).discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never writes over a file that appeared under the name meanwhile: EEXIST, that file untouched, the temporary file gone', async () => {
    const out = join(dir, 'ca.crl');
    const staged = stageFileDurably(out, bytes, { exclusive: true });
    writeFileSync(out, 'someone else');
    await expect(staged.publish()).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(out, 'utf8')).toBe('someone else');
    expect(readdirSync(dir)).toEqual(['ca.crl']);
  });

  it('keeps a failure to open for publish (a folder that is not there), and leaves nothing', async () => {
    const out = join(dir, 'missing', 'ca.crl');
    const staged = stageFileDurably(out, bytes, { exclusive: true });
    await expect(staged.publish()).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
    // discard after a failed stage removes nothing of anyone else's.
    await stageFileDurably(out, bytes).discard();
    expect(readdirSync(dir)).toEqual([]);
  });
});
