/**
 * The one untrusted-file reader: sync and async agree; links, FIFOs, devices,
 * sockets and folders are refused at once with their code; the size cap and a
 * batch's total cap are enforced before anything past them is read.
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { openUntrustedFile, ReadBudget, readUntrustedFile, readUntrustedFileSync, UntrustedReadError } from './untrusted-read.ts';

afterAll(removeTempDirs);

const dir = tempDir('airgap-read-');
const file = (name: string, bytes: Uint8Array | string) => {
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
};

async function both(path: string, opts: Parameters<typeof readUntrustedFileSync>[1]): Promise<Array<{ code: string; failure?: string } | Buffer>> {
  const outcome = async (fn: () => Buffer | Promise<Buffer>) => {
    try {
      return await fn();
    } catch (e) {
      const err = e as UntrustedReadError;
      return { code: err.code, ...(err instanceof UntrustedReadError ? { failure: err.failure } : {}) };
    }
  };
  return [await outcome(() => readUntrustedFileSync(path, opts)), await outcome(() => readUntrustedFile(path, opts))];
}

describe('readUntrustedFileSync and readUntrustedFile', () => {
  it('read a plain file whole, and agree', async () => {
    const p = file('a.txt', 'hello');
    expect((await both(p, { maxBytes: 5, what: 'test' })).map((b) => b.toString())).toEqual(['hello', 'hello']);
  });

  it.each([
    ['missing', () => join(dir, 'nope'), { code: 'NOT_FOUND', failure: 'missing' }],
    ['a symbolic link', () => {
      symlinkSync(file('target.txt', 'x'), join(dir, 'link'));
      return join(dir, 'link');
    }, { code: 'FILE_REFUSED', failure: 'link' }],
    ['a FIFO', () => {
      execFileSync('mkfifo', [join(dir, 'fifo')]);
      return join(dir, 'fifo');
    }, { code: 'FILE_REFUSED', failure: 'special' }],
    ['a device', () => '/dev/zero', { code: 'FILE_REFUSED', failure: 'special' }],
    ['a folder', () => dir, { code: 'FILE_REFUSED', failure: 'special' }],
    ['over the size cap', () => file('big', new Uint8Array(11)), { code: 'FILE_TOO_LARGE', failure: 'too-large' }],
  ])('refuse %s', async (_what, make, expected) => {
    expect(await both(make(), { maxBytes: 10, what: 'test' })).toEqual([expected, expected]);
  });

  it('refuse a socket', async () => {
    const path = join(dir, 'sock');
    const server = createServer();
    await new Promise<void>((done) => server.listen(path, done));
    try {
      const expected = { code: 'FILE_REFUSED', failure: 'special' };
      expect(await both(path, { maxBytes: 10, what: 'test' })).toEqual([expected, expected]);
    } finally {
      server.close();
    }
  });

  it('truncate: read one byte past the cap and let the parser name the size', async () => {
    const p = file('long', 'abcdefghijkl');
    expect(readUntrustedFileSync(p, { maxBytes: 4, truncate: true, what: 'test' }).toString()).toBe('abcde');
    expect((await readUntrustedFile(p, { maxBytes: 4, truncate: true, what: 'test' })).toString()).toBe('abcde');
  });

  it('a budget shared by a batch refuses the file that would pass the total, before reading it, with BATCH_TOO_LARGE', async () => {
    const budget = new ReadBudget(25);
    const paths = ['1', '2', '3'].map((n) => file(`b${n}`, new Uint8Array(10)));
    expect(readUntrustedFileSync(paths[0]!, { maxBytes: 100, what: 'test', budget })).toHaveLength(10);
    expect((await readUntrustedFile(paths[1]!, { maxBytes: 100, what: 'test', budget })).length).toBe(10);
    await expect(readUntrustedFile(paths[2]!, { maxBytes: 100, what: 'test', budget, displayName: 'b3' })).rejects.toMatchObject({ code: 'BATCH_TOO_LARGE', message: expect.stringContaining('b3') });
    expect(() => readUntrustedFileSync(paths[2]!, { maxBytes: 100, what: 'test', budget })).toThrow(expect.objectContaining({ code: 'BATCH_TOO_LARGE' }));
    expect(budget.usedBytes).toBe(20);
    // A file refused for its own size is not charged.
    expect(() => readUntrustedFileSync(file('b4', new Uint8Array(200)), { maxBytes: 100, what: 'test', budget })).toThrow(expect.objectContaining({ code: 'FILE_TOO_LARGE' }));
    expect(budget.usedBytes).toBe(20);
  });

  it('openUntrustedFile opens a plain file for streaming and refuses a FIFO', async () => {
    const fh = await openUntrustedFile(file('s', 'stream'), { what: 'test' });
    expect((await fh.readFile()).toString()).toBe('stream');
    await fh.close();
    await expect(openUntrustedFile(join(dir, 'fifo'), { what: 'test' })).rejects.toMatchObject({ code: 'FILE_REFUSED' });
  });
});
