/**
 * docs/cli.md stays complete: every command and every long option the CLI
 * defines is documented there, so a new command cannot ship undocumented.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from './program.ts';

const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
const program = buildProgram();

function longOptions(cmd: Command): string[] {
  return cmd.options.map((o) => o.long).filter((l): l is string => typeof l === 'string');
}

const commands = program.commands.flatMap((group) => group.commands.map((c) => ({ path: `${group.name()} ${c.name()}`, options: longOptions(c) })));

describe('docs/cli.md', () => {
  it('finds the commands to check', () => {
    expect(commands.length).toBeGreaterThan(30);
  });

  it.each(commands.map((c) => [c.path, c.options] as const))('documents %s and its options', (path, options) => {
    expect(doc).toContain(`\`${path}`);
    const missing = options.filter((o) => !doc.includes(o));
    expect(missing).toEqual([]);
  });

  it('documents the global options', () => {
    expect(longOptions(program).filter((o) => !doc.includes(o))).toEqual([]);
  });
});
