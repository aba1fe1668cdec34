import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { CliContext } from './context.ts';
import { progressLine, showProgress } from './progress.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

/** A stream that says it is a terminal (or not) and keeps what is written to it. */
function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  return { stream: Object.assign(w, { isTTY }) as unknown as NodeJS.WriteStream, text: () => out };
}

function run(opts: { json: boolean; isTTY: boolean }): string {
  const ctx = new CliContext({ json: opts.json, vault: tempDir() }, {});
  const t = terminal(opts.isTTY);
  const done = showProgress(ctx, 'issuing', t.stream);
  for (const d of [0, 1, 2, 500, 501, 1000]) ctx.service.session.progress({ operation: 'cert.issueBatch', done: d, total: 1000 });
  done();
  expect(ctx.service.session.onProgress).toBeNull();
  return t.text();
}

describe('CLI progress', () => {
  it('draws a bar on a terminal, redrawn only when the percentage changes, and ends the line', () => {
    const out = run({ json: false, isTTY: true });
    const frames = out.split('\r').filter(Boolean);
    expect(frames.map((f) => f.replace('\u001b[K', ''))).toEqual([
      `issuing [${'-'.repeat(24)}]   0% 0/1000`,
      `issuing [${'#'.repeat(12)}${'-'.repeat(12)}]  50% 500/1000`,
      `issuing [${'#'.repeat(24)}] 100% 1000/1000\n`,
    ]);
  });

  it('shows nothing with --json or when stderr is not a terminal', () => {
    expect(run({ json: true, isTTY: true })).toBe('');
    expect(run({ json: false, isTTY: false })).toBe('');
  });

  it('a line names the item when there is one, and a zero total counts as done', () => {
    expect(progressLine('exporting', { operation: 'export.media', done: 0, total: 0, item: 'crl' })).toBe(`exporting [${'#'.repeat(24)}] 100% 0/0 crl`);
  });
});
