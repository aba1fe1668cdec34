/**
 * The layer allow-lists in eslint.config.js bite: each snippet is linted as if
 * it were a file of that layer, with the project's real ESLint configuration.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The layer messages ESLint reports for `code` placed at `filePath`. */
async function layerProblems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: `${root}${filePath}` });
  if (!result) throw new Error(`ESLint returned nothing for ${filePath}`);
  return result.messages.filter((m) => m.ruleId === 'layers/allowed-imports').map((m) => m.message);
}

describe('refused imports are reported', () => {
  it.each([
    ['core importing api', 'src-main/core/keys/x.ts', "import { dispatch } from '../../api/dispatch.ts'; void dispatch;", /core\/ may not import "src-main\/api\/dispatch.ts"/],
    ['core importing electron', 'src-main/core/vault/x.ts', "import { app } from 'electron'; void app;", /core\/ may not import "electron"/],
    ['core importing React', 'src-main/core/media/x.ts', "import React from 'react'; void React;", /core\/ may not import "react"/],
    ['api importing the CLI', 'src-main/api/service/x.ts', "import { run } from '../../cli/main.ts'; void run;", /api\/ may not import "src-main\/cli\/main.ts"/],
    ['the contract importing node:crypto', 'src-main/api/contract/x.ts', "import { randomUUID } from 'node:crypto'; void randomUUID;", /api\/contract may not import "node:crypto"/],
    ['the contract importing a Node-using core module', 'src-main/api/contract/x.ts', "import type { Vault } from '../../core/vault/vault.ts'; let v: Vault | undefined; void v;", /api\/contract may not import "src-main\/core\/vault\/vault.ts"/],
    ['the CLI importing a store', 'src-main/cli/commands/x.ts', "import { openVault } from '../../core/vault/vault.ts'; void openVault;", /cli\/ may not import "src-main\/core\/vault\/vault.ts"/],
    ['electron importing a handler', 'src-main/electron/x.ts', "import * as h from '../api/service/key-handlers.ts'; void h;", /electron\/ may not import "src-main\/api\/service\/key-handlers.ts"/],
    ['the renderer importing node:fs', 'src-renderer/src/x.ts', "import { readFileSync } from 'node:fs'; void readFileSync;", /the renderer may not import "node:fs"/],
    ['the renderer importing core', 'src-renderer/src/x.ts', "import { DomainError } from '../../src-main/core/errors.ts'; void DomainError;", /the renderer may not import "src-main\/core\/errors.ts"/],
    ['the renderer importing contract values', 'src-renderer/src/x.ts', "import { OPERATION_NAMES } from '../../src-main/api/contract.ts'; void OPERATION_NAMES;", /only with `import type`/],
    ['production code importing a test kit', 'src-main/core/issuance/x.ts', "import { makeTestCa } from '../../testing/issuance-fixtures.ts'; void makeTestCa;", /core\/ may not import "src-main\/testing\/issuance-fixtures.ts"/],
    ['the CLI importing a test kit', 'src-main/cli/x.ts', "import { tempDir } from '../testing/temp-dir.ts'; void tempDir;", /cli\/ may not import "src-main\/testing\/temp-dir.ts"/],
  ])('%s', async (_name, filePath, code, message) => {
    const problems = await layerProblems(filePath, code);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});

describe('allowed imports are not', () => {
  it.each([
    ['core importing node built-ins, its own folders and its packages', 'src-main/core/keys/x.ts',
      "import { readFile } from 'node:fs/promises'; import { DomainError } from '../errors.ts'; import * as x509 from '@peculiar/x509'; void readFile; void DomainError; void x509;"],
    ['api importing core and the contract', 'src-main/api/service/x.ts',
      "import { DomainError } from '../../core/errors.ts'; import type { OpName } from '../contract.ts'; void DomainError; let o: OpName | undefined; void o;"],
    ['the contract importing zod and the error codes', 'src-main/api/contract/x.ts',
      "import { z } from 'zod'; import type { ErrorCode } from '../../core/errors.ts'; void z; let c: ErrorCode | undefined; void c;"],
    ['the contract importing the view types it shares with core', 'src-main/api/contract/x.ts',
      "import type { CertificateSummary } from '../../core/store/certificate-summary.ts'; import type { SlotSummary } from '../../core/vault/slot-summary.ts'; import type { RemovableMedium } from '../../core/media/medium.ts'; let v: [CertificateSummary, SlotSummary, RemovableMedium] | undefined; void v;"],
    ['the CLI importing dispatch and commander', 'src-main/cli/x.ts',
      "import { Command } from 'commander'; import { dispatch } from '../api/dispatch.ts'; void Command; void dispatch;"],
    ['electron importing electron and the api', 'src-main/electron/x.ts',
      "import { app } from 'electron'; import { dispatch } from '../api/dispatch.ts'; void app; void dispatch;"],
    ['the renderer importing contract types and MUI', 'src-renderer/src/x.ts',
      "import type { OpName } from '../../src-main/api/contract.ts'; import Button from '@mui/material/Button'; let o: OpName | undefined; void o; void Button;"],
    ['the renderer importing the text escaping (pure, Node-free)', 'src-renderer/src/x.ts',
      "import { printableLine } from '../../src-main/core/safe-text.ts'; void printableLine;"],
    ['a test importing a test kit', 'src-main/core/issuance/x.test.ts',
      "import { makeTestCa } from '../../testing/issuance-fixtures.ts'; void makeTestCa;"],
  ])('%s', async (_name, filePath, code) => {
    expect(await layerProblems(filePath, code)).toEqual([]);
  });
});

describe('the core modules that declare the shared views', () => {
  // Linted as contract files, they may import only what the contract may: so they stay Node-free.
  it.each(['src-main/core/store/certificate-summary.ts', 'src-main/core/store/ca-summary.ts', 'src-main/core/vault/slot-summary.ts', 'src-main/core/media/medium.ts'])('%s imports nothing the contract may not', async (file) => {
    const code = readFileSync(`${root}${file}`, 'utf8');
    expect(await layerProblems(file.replace(/^src-main\/core\/[a-z]+\//, 'src-main/api/contract/'), code)).toEqual([]);
    expect(code).not.toMatch(/:\s*Buffer\b|from 'node:/);
  });
});
