import { mkdirSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock } from '../core/clock.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { makeAgent, opensslSerial, receiptJson, signFile, writeReceipt } from '../testing/fleet-agents.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

interface ImportView {
  stored: boolean;
  accepted: number;
  duplicates: number;
  refused: Record<string, number>;
  files: Array<{ file: string; status: string; code: string | null; message: string | null }>;
}

describe('fleet import-receipts: each refusal with its own code, nothing stored for it; idempotent', () => {
  it('accepts ECDSA, RSA and Ed25519 agents, refuses every bad receipt by code, and a second import of the folder changes nothing', async () => {
    const dir = tempDir();
    const clock = fixedClock('2026-03-01T12:00:00Z');
    const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple' } });
    const ok = async (args: string[]) => {
      const r = await cli(['--json', ...args]);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stdout}`);
      return r.json;
    };
    const out = (n: string) => join(dir, n);
    await ok(['vault', 'init']);
    await ok(['key', 'create', '--name', 'root-a']);
    await ok(['key', 'self-sign', 'root-a', '--subject', 'CN=Root A']);
    await ok(['key', 'activate', 'root-a']);
    const bundle = (await ok(['bundle', 'write', '--out', out('bundle.pem')])) as { bundleSha256: string; bundleVersion: number };
    const agents = { ec: makeAgent(dir, 'agent-ec', 'ec'), rsa: makeAgent(dir, 'agent-rsa', 'rsa'), ed: makeAgent(dir, 'agent-ed', 'ed25519'), revoked: makeAgent(dir, 'agent-revoked', 'ec') };
    const serial: Record<string, string> = {};
    for (const [k, a] of Object.entries(agents)) {
      await ok(['cert', 'issue', '--csr', a.csr, '--out', out(`${k}.pem`)]);
      serial[k] = opensslSerial(out(`${k}.pem`));
    }
    await ok(['cert', 'revoke', serial.revoked!, '--reason', 'keyCompromise']);
    const stranger = makeAgent(dir, 'stranger', 'ec');

    const inbox = out('inbox');
    mkdirSync(inbox);
    const at = '2026-03-01T13:00:00Z';
    const good = { bundleSha256: bundle.bundleSha256, installedAt: at };
    writeReceipt(inbox, 'ok-ec', agents.ec, { ...good, serial: serial.ec! });
    writeReceipt(inbox, 'ok-rsa', agents.rsa, { ...good, serial: serial.rsa! });
    writeReceipt(inbox, 'ok-ed25519', agents.ed, { ...good, serial: serial.ed! });
    writeReceipt(inbox, 'unknown-serial', stranger, { ...good, serial: '7f0102030405060708090a0b0c0d0e0f' });
    writeReceipt(inbox, 'revoked', agents.revoked, { ...good, serial: serial.revoked! });
    writeReceipt(inbox, 'before-notbefore', agents.ec, { ...good, serial: serial.ec!, installedAt: '2026-02-01T00:00:00Z' });
    writeReceipt(inbox, 'after-notafter', agents.rsa, { ...good, serial: serial.rsa!, installedAt: '2036-01-01T00:00:00Z' });
    writeReceipt(inbox, 'bad-signature', stranger, { ...good, serial: serial.rsa! });
    writeReceipt(inbox, 'unknown-bundle', agents.ec, { ...good, bundleSha256: 'ab'.repeat(32), serial: serial.ec! });
    writeFileSync(join(inbox, 'not-json.receipt.json'), '{"type": "airgap-ca.bundle-receipt",');
    signFile(agents.ec, join(inbox, 'not-json.receipt.json'));
    writeFileSync(join(inbox, 'extra-field.receipt.json'), receiptJson(bundle.bundleSha256, serial.ec!, at).replace('}', ',"note":"x"}'));
    signFile(agents.ec, join(inbox, 'extra-field.receipt.json'));
    writeFileSync(join(inbox, 'oversized.receipt.json'), receiptJson(bundle.bundleSha256, serial.ec!, at) + ' '.repeat(5000));
    signFile(agents.ec, join(inbox, 'oversized.receipt.json'));
    writeFileSync(join(inbox, 'unsigned.receipt.json'), receiptJson(bundle.bundleSha256, serial.ec!, at));
    copyFileSync(join(inbox, 'ok-ec.receipt.json'), out('elsewhere.receipt.json'));
    symlinkSync(out('elsewhere.receipt.json'), join(inbox, 'link.receipt.json'));
    writeFileSync(join(inbox, 'README.txt'), 'not a receipt, not read');

    const expected = {
      'after-notafter.receipt.json': 'RECEIPT_NOT_VALID_AT',
      'bad-signature.receipt.json': 'RECEIPT_BAD_SIGNATURE',
      'before-notbefore.receipt.json': 'RECEIPT_NOT_VALID_AT',
      'extra-field.receipt.json': 'RECEIPT_MALFORMED',
      'link.receipt.json': 'FILE_REFUSED',
      'not-json.receipt.json': 'RECEIPT_MALFORMED',
      'ok-ec.receipt.json': null,
      'ok-ed25519.receipt.json': null,
      'ok-rsa.receipt.json': null,
      'oversized.receipt.json': 'RECEIPT_TOO_LARGE',
      'revoked.receipt.json': 'RECEIPT_AGENT_REVOKED',
      'unknown-bundle.receipt.json': 'RECEIPT_UNKNOWN_BUNDLE',
      'unknown-serial.receipt.json': 'RECEIPT_UNKNOWN_AGENT',
      'unsigned.receipt.json': 'RECEIPT_SIGNATURE_MISSING',
    };

    // A check reads and judges everything and stores nothing.
    const checked = (await ok(['fleet', 'import-receipts', '--from', inbox, '--check'])) as ImportView;
    expect(checked).toMatchObject({ stored: false, accepted: 3, duplicates: 0 });
    expect(((await ok(['fleet', 'status'])) as { receipts: number }).receipts).toBe(0);

    const first = (await ok(['fleet', 'import-receipts', '--from', inbox])) as ImportView;
    expect(Object.fromEntries(first.files.map((f) => [f.file, f.code]))).toEqual(expected);
    expect(first).toMatchObject({ stored: true, accepted: 3, duplicates: 0 });
    expect(first.refused).toEqual({
      RECEIPT_BAD_SIGNATURE: 1,
      RECEIPT_NOT_VALID_AT: 2,
      RECEIPT_MALFORMED: 2,
      FILE_REFUSED: 1,
      RECEIPT_TOO_LARGE: 1,
      RECEIPT_AGENT_REVOKED: 1,
      RECEIPT_UNKNOWN_BUNDLE: 1,
      RECEIPT_UNKNOWN_AGENT: 1,
      RECEIPT_SIGNATURE_MISSING: 1,
    });
    expect(first.files.find((f) => f.file === 'before-notbefore.receipt.json')?.message).toContain('was not valid');
    expect(first.files.find((f) => f.file === 'after-notafter.receipt.json')?.message).toContain('installed at 2036-01-01T00:00:00.000Z');
    const statusAfterFirst = (await ok(['fleet', 'status'])) as { agents: number; receipts: number; keys: Array<{ trusting: number; trustingPerDay: Array<{ day: string; agents: number }> }> };
    // Only the three accepted receipts are stored; the revoked agent is not an agent any more.
    expect(statusAfterFirst).toMatchObject({ agents: 3, receipts: 3 });
    expect(statusAfterFirst.keys[0]).toMatchObject({ trusting: 3, trustingPercent: 100, trustingPerDay: [{ day: '2026-03-01', agents: 3 }] });

    // The same folder again: everything accepted before is a duplicate; nothing else changes.
    clock.advance(DAY_MS);
    const second = (await ok(['fleet', 'import-receipts', '--from', inbox])) as ImportView;
    expect(second).toMatchObject({ accepted: 0, duplicates: 3, refused: first.refused });
    expect(await ok(['fleet', 'status'])).toEqual(statusAfterFirst);
    const text = await cli(['fleet', 'import-receipts', '--from', inbox]);
    expect(text.stdout).toContain('0 accepted, 3 duplicate(s), 11 refused.');
    expect(text.stdout).toMatch(/RECEIPT_MALFORMED\s+2/);

    const audit = (await ok(['audit', 'list'])) as { events: Array<{ action: string; details: Record<string, unknown> }> };
    const events = audit.events.filter((e) => e.action === 'fleet.receipts-imported');
    expect(events.map((e) => [e.details.accepted, e.details.duplicates, e.details.files])).toEqual([
      [3, 0, 14],
      [0, 3, 14],
      [0, 3, 14],
    ]);
    expect(events[0]?.details.refused).toEqual(first.refused);

    // An agent revoked after its receipt is no agent any more: it leaves the count, the trust and the chart's days alike.
    await ok(['cert', 'revoke', serial.rsa!, '--reason', 'cessationOfOperation']);
    const afterRevoke = (await ok(['fleet', 'status'])) as typeof statusAfterFirst;
    expect(afterRevoke).toMatchObject({ agents: 2, receipts: 3 });
    expect(afterRevoke.keys[0]).toMatchObject({ trusting: 2, trustingPercent: 100, trustingPerDay: [{ day: '2026-03-01', agents: 2 }] });
  });

  it('refuses a folder that is not there or is a link, and a receipt for another CA’s bundle names no bundle of this CA', async () => {
    const dir = tempDir();
    const clock = fixedClock('2026-03-01T12:00:00Z');
    const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple' } });
    const run = async (args: string[]) => {
      const r = await cli(['--json', ...args]);
      return { code: r.code, json: r.json as { error?: { code: string } } & Record<string, unknown> };
    };
    await run(['vault', 'init']);
    await run(['ca', 'create', '--name', 'second']);
    for (const ca of ['default', 'second']) {
      await run(['--ca', ca, 'key', 'create', '--name', `root-${ca}`]);
      await run(['--ca', ca, 'key', 'self-sign', `root-${ca}`, '--subject', `CN=Root ${ca}`]);
      await run(['--ca', ca, 'key', 'activate', `root-${ca}`]);
    }
    const other = (await run(['--ca', 'second', 'bundle', 'write', '--out', join(dir, 'second.pem')])).json as unknown as { bundleSha256: string };
    await run(['--ca', 'default', 'bundle', 'write', '--out', join(dir, 'default.pem')]);
    const agent = makeAgent(dir, 'agent', 'ec');
    await run(['--ca', 'default', 'cert', 'issue', '--csr', agent.csr, '--out', join(dir, 'agent.pem')]);
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    writeReceipt(inbox, 'agent', agent, { bundleSha256: other.bundleSha256, serial: opensslSerial(join(dir, 'agent.pem')), installedAt: '2026-03-01T13:00:00Z' });
    expect((await run(['--ca', 'default', 'fleet', 'import-receipts', '--from', inbox])).json).toMatchObject({ accepted: 0, refused: { RECEIPT_UNKNOWN_BUNDLE: 1 } });
    // In the other CA the agent's serial is unknown.
    expect((await run(['--ca', 'second', 'fleet', 'import-receipts', '--from', inbox])).json).toMatchObject({ accepted: 0, refused: { RECEIPT_UNKNOWN_AGENT: 1 } });
    const missing = await run(['--ca', 'default', 'fleet', 'import-receipts', '--from', join(dir, 'nope')]);
    expect([missing.code, missing.json.error?.code]).toEqual([1, 'NOT_FOUND']);
    symlinkSync(inbox, join(dir, 'inbox-link'));
    const link = await run(['--ca', 'default', 'fleet', 'import-receipts', '--from', join(dir, 'inbox-link')]);
    expect([link.code, link.json.error?.code]).toEqual([1, 'FILE_REFUSED']);
    const noCa = await run(['fleet', 'status']);
    expect([noCa.code, noCa.json.error?.code]).toEqual([2, 'CA_REQUIRED']);
  });
});
