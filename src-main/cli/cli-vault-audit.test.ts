/**
 * Every vault and audit command of docs/cli.md, run as a child process
 * (`node bin/airgap-ca.js`) against a real vault in a temp folder, with the
 * default Argon2id cost of `vault init`. The steps build on each other (one
 * vault, one history), so they run in order; each step groups the assertions
 * of one or a few invocations to keep the number of unlocks small.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventMac, genesisHash, type AuditEvent } from '../core/audit/audit-log.ts';
import { auditKeyOf } from '../testing/audit-tampering.ts';
import { openRawDatabase, vaultKeyOf } from '../testing/vault-fixtures.ts';
import { DEFAULT_KDF } from '../core/vault/kdf.ts';
import { jsonError, runCli, type CliRun } from '../testing/cli-runner.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

const PASS = 'correct horse battery staple';
const NEW_PASS = 'new passphrase for the officer';
const SPARE_PASS = 'spare passphrase in the safe';

let root: string;
let vaultDir: string;
let files: { pass: string; newPass: string; spare: string; weak: string; wrong: string };

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(['--vault', vaultDir, '--actor', 'alice', ...args], { env, home: root });
}

function withPass(file: string, args: string[]): Promise<CliRun> {
  return cli(['--passphrase-file', file, ...args]);
}

interface SlotJson {
  id: string;
  type: 'passphrase' | 'quorum';
  label: string;
  threshold?: number;
  total?: number;
  kdf?: { memoryKiB: number; passes: number; parallelism: number };
}
interface InfoJson {
  exists: boolean;
  vaultId: string;
  slots: SlotJson[];
  counts: { keys: number; certificates: number; auditEvents: number } | null;
}

let vaultId = '';
let shareFiles: string[] = [];
let quorumSlotId = '';
let spareSlotId = '';

beforeAll(() => {
  root = tempDir('airgap-cli-');
  vaultDir = join(root, 'vault');
  files = { pass: join(root, 'pass'), newPass: join(root, 'new-pass'), spare: join(root, 'spare-pass'), weak: join(root, 'weak'), wrong: join(root, 'wrong') };
  writeFileSync(files.pass, PASS + '\n');
  writeFileSync(files.newPass, NEW_PASS + '\n');
  writeFileSync(files.spare, SPARE_PASS);
  writeFileSync(files.weak, 'short\n');
  writeFileSync(files.wrong, 'not the right passphrase\n');
});

afterAll(removeTempDirs);

describe('airgap-ca vault and audit, as a child process', () => {
  it('refuses a passphrase given as an argument, unknown commands and bad option values with exit 2', async () => {
    const [asArg, asArgJson, unknownCommand, badQuorum] = await Promise.all([
      cli(['--passphrase', PASS, 'vault', 'info']),
      cli(['--json', '--passphrase', PASS, 'vault', 'info']),
      cli(['vault', 'frobnicate']),
      cli(['--json', 'vault', 'init', '--quorum', 'two-of-three', '--shares-dir', join(root, 'x')]),
    ]);
    expect(asArg.code).toBe(2);
    expect(asArg.stderr).toContain("unknown option '--passphrase'");
    expect(asArg.stdout).toBe('');
    expect(asArgJson.code).toBe(2);
    expect(jsonError(asArgJson).code).toBe('INVALID_INPUT');
    expect(unknownCommand.code).toBe(2);
    expect(badQuorum.code).toBe(2);
    expect(jsonError(badQuorum).message).toContain('K/N');
    expect(existsSync(vaultDir)).toBe(false);
  });

  it('vault info on a folder without a vault says so (exit 1)', async () => {
    const r = await cli(['--json', 'vault', 'info']);
    expect(r.code).toBe(1);
    expect(jsonError(r).code).toBe('VAULT_NOT_FOUND');
  });

  it('vault init refuses a weak passphrase and creates nothing', async () => {
    const r = await withPass(files.weak, ['--json', 'vault', 'init']);
    expect(r.code).toBe(1);
    expect(jsonError(r)).toEqual({ code: 'WEAK_PASSPHRASE', message: expect.stringContaining('at least 12') });
    expect(existsSync(vaultDir)).toBe(false);
    expect(readdirSync(root).filter((n) => n.includes('vault'))).toEqual([]);
  });

  it('vault init creates the vault with the default Argon2id cost; a second init is refused', async () => {
    const r = await withPass(files.pass, ['--json', 'vault', 'init']);
    expect(r.code).toBe(0);
    const doc = r.json as { vaultId: string; dir: string; shareFiles: string[] };
    expect(doc.vaultId).toMatch(/^[0-9a-f-]{36}$/);
    expect(doc.shareFiles).toEqual([]);
    vaultId = doc.vaultId;
    expect(readdirSync(vaultDir).sort()).toEqual(['vault-header.json', 'vault.db']);

    const again = await withPass(files.pass, ['--json', 'vault', 'init']);
    expect(again.code).toBe(1);
    expect(jsonError(again).code).toBe('VAULT_EXISTS');
  });

  it('vault init into an existing empty folder works (the folder an installer may have made)', async () => {
    const empty = join(root, 'empty-vault');
    mkdirSync(empty);
    const r = await runCli(['--vault', empty, '--actor', 'alice', '--json', 'vault', 'init'], { env: { AIRGAP_CA_PASSPHRASE: PASS }, home: root });
    expect(r.code).toBe(0);
    expect(readdirSync(empty).sort()).toEqual(['vault-header.json', 'vault.db']);
  });

  it('vault info without credentials shows the header only; with them, the counts', async () => {
    const [bare, unlocked, text] = await Promise.all([
      cli(['--json', 'vault', 'info']),
      withPass(files.pass, ['--json', 'vault', 'info']),
      cli(['vault', 'info']),
    ]);
    expect(bare.code).toBe(0);
    const b = bare.json as InfoJson;
    expect(b.vaultId).toBe(vaultId);
    expect(b.counts).toBeNull();
    expect(b.slots).toEqual([expect.objectContaining({ type: 'passphrase', kdf: { ...DEFAULT_KDF } })]);
    expect(unlocked.code).toBe(0);
    expect((unlocked.json as InfoJson).counts).toEqual({ keys: 0, certificates: 0, auditEvents: 1 });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Vault:`);
    expect(text.stdout).toContain('(unlock to count)');
  });

  it('a wrong passphrase is refused with exit 3 and a clear message, in text and JSON mode', async () => {
    const [text, json] = await Promise.all([withPass(files.wrong, ['vault', 'verify']), withPass(files.wrong, ['--json', 'vault', 'verify'])]);
    expect(text.code).toBe(3);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^error \(WRONG_PASSPHRASE\): Wrong passphrase/);
    expect(json.code).toBe(3);
    expect(jsonError(json).code).toBe('WRONG_PASSPHRASE');
  });

  it('vault verify passes on a sound vault (passphrase from the environment too)', async () => {
    const r = await cli(['--json', 'vault', 'verify'], { AIRGAP_CA_PASSPHRASE: PASS });
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ ok: true, integrity: [], audit: { ok: true, count: 1, brokenAt: null, reason: null } });
  });

  it('vault add-quorum writes one share file per custodian', async () => {
    const r = await withPass(files.pass, ['--json', 'vault', 'add-quorum', '--quorum', '2/3', '--shares-dir', join(root, 'shares')]);
    expect(r.code).toBe(0);
    const doc = r.json as { slot: SlotJson; shareFiles: string[] };
    expect(doc.slot).toMatchObject({ type: 'quorum', threshold: 2, total: 3 });
    expect(doc.shareFiles).toHaveLength(3);
    quorumSlotId = doc.slot.id;
    shareFiles = doc.shareFiles;
    for (const f of shareFiles) expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ vaultId, slotId: quorumSlotId, threshold: 2, total: 3 });
  });

  it('shares: k unlock; k-1, a corrupted or a duplicated share are refused with exit 3 and named', async () => {
    const [s1, s2, s3] = shareFiles as [string, string, string];
    const corrupt = join(root, 'corrupt-share.json');
    const doc = JSON.parse(readFileSync(s2, 'utf8')) as { index: number };
    writeFileSync(corrupt, JSON.stringify({ ...doc, index: doc.index === 3 ? 1 : 3 }));
    const [ok, tooFew, corrupted, duplicate] = await Promise.all([
      cli(['--json', '--share', s1, '--share', s3, 'vault', 'verify']),
      cli(['--json', '--share', s1, 'vault', 'verify']),
      cli(['--json', '--share', s1, '--share', corrupt, 'vault', 'verify']),
      cli(['--json', '--share', s1, '--share', s1, 'vault', 'verify']),
    ]);
    expect(ok.code).toBe(0);
    expect((ok.json as { ok: boolean }).ok).toBe(true);
    expect(tooFew.code).toBe(3);
    expect(jsonError(tooFew)).toEqual({ code: 'NOT_ENOUGH_SHARES', message: expect.stringContaining('1 of the 2') });
    expect(corrupted.code).toBe(3);
    expect(jsonError(corrupted)).toEqual({ code: 'SHARE_CORRUPT', message: expect.stringContaining('corrupt-share.json') });
    expect(duplicate.code).toBe(3);
    expect(jsonError(duplicate).code).toBe('SHARE_DUPLICATE');
  });

  it('vault add-passphrase adds a second passphrase slot', async () => {
    const r = await withPass(files.pass, ['--json', 'vault', 'add-passphrase', '--new-passphrase-file', files.spare, '--label', 'safe']);
    expect(r.code).toBe(0);
    const slot = (r.json as { slot: SlotJson }).slot;
    expect(slot).toMatchObject({ type: 'passphrase', label: 'safe' });
    spareSlotId = slot.id;
  });

  it('vault change-passphrase: the old passphrase then fails (exit 3), the new, the spare and the quorum open', async () => {
    const weak = await withPass(files.pass, ['--json', 'vault', 'change-passphrase', '--new-passphrase-file', files.weak]);
    expect(weak.code).toBe(1);
    expect(jsonError(weak).code).toBe('WEAK_PASSPHRASE');

    const r = await withPass(files.pass, ['--json', 'vault', 'change-passphrase', '--new-passphrase-file', files.newPass]);
    expect(r.code).toBe(0);
    const [old, fresh, spare, quorum] = await Promise.all([
      withPass(files.pass, ['--json', 'vault', 'info']),
      withPass(files.newPass, ['--json', 'vault', 'info']),
      withPass(files.spare, ['--json', 'vault', 'verify']),
      cli(['--json', '--share', shareFiles[1]!, '--share', shareFiles[2]!, 'vault', 'verify']),
    ]);
    expect(old.code).toBe(3);
    expect(jsonError(old).code).toBe('WRONG_PASSPHRASE');
    expect(fresh.code).toBe(0);
    const info = fresh.json as InfoJson;
    expect(info.slots.map((s) => s.type).sort()).toEqual(['passphrase', 'passphrase', 'quorum']);
    expect(info.slots.map((s) => s.id)).toContain(spareSlotId);
    expect(info.slots.map((s) => s.id)).toContain(quorumSlotId);
    expect(spare.code).toBe(0);
    expect(quorum.code).toBe(0);
    expect((quorum.json as { ok: boolean }).ok).toBe(true);
  });

  it('vault remove-slot removes a slot, names an unknown one, and refuses to remove the last', async () => {
    const removed = await withPass(files.newPass, ['--json', 'vault', 'remove-slot', spareSlotId]);
    expect(removed.code).toBe(0);
    expect((removed.json as InfoJson).slots.map((s) => s.id)).not.toContain(spareSlotId);
    const [unknown, spareGone] = await Promise.all([
      withPass(files.newPass, ['--json', 'vault', 'remove-slot', 'deadbeef']),
      withPass(files.spare, ['--json', 'vault', 'info']),
    ]);
    expect(unknown.code).toBe(1);
    expect(jsonError(unknown)).toEqual({ code: 'SLOT_NOT_FOUND', message: expect.stringContaining('deadbeef') });
    expect(spareGone.code).toBe(3);

    // Leave only the quorum slot, then try to remove it too.
    const passSlot = (removed.json as InfoJson).slots.find((s) => s.type === 'passphrase')!.id;
    const onlyQuorum = await withPass(files.newPass, ['--json', 'vault', 'remove-slot', passSlot]);
    expect(onlyQuorum.code).toBe(0);
    expect((onlyQuorum.json as InfoJson).slots.map((s) => s.id)).toEqual([quorumSlotId]);
    const last = await cli(['--json', '--share', shareFiles[0]!, '--share', shareFiles[2]!, 'vault', 'remove-slot', quorumSlotId]);
    expect(last.code).toBe(1);
    expect(jsonError(last).code).toBe('LAST_SLOT');
    // Put a passphrase slot back for the steps that follow.
    const back = await cli(['--json', '--share', shareFiles[0]!, '--share', shareFiles[2]!, 'vault', 'add-passphrase', '--new-passphrase-file', files.newPass]);
    expect(back.code).toBe(0);
  });

  it('vault backup writes one file and never overwrites; restore goes into a new folder only', async () => {
    const out = join(root, 'backups', 'vault.backup');
    const b = await withPass(files.newPass, ['--json', 'vault', 'backup', '--out', out]);
    expect(b.code).toBe(0);
    expect(b.json).toEqual({ file: out, bytes: readFileSync(out).length });
    expect(readFileSync(out).subarray(0, 19).toString()).toBe('AIRGAP-CA-BACKUP/1\n');

    const restored = join(root, 'restored');
    const [again, r, intoExisting] = await Promise.all([
      withPass(files.newPass, ['--json', 'vault', 'backup', '--out', out]),
      runCli(['--vault', restored, '--actor', 'bob', '--passphrase-file', files.newPass, '--json', 'vault', 'restore', '--from', out], { home: root }),
      withPass(files.newPass, ['--json', 'vault', 'restore', '--from', out]),
    ]);
    expect(again.code).toBe(1);
    expect(jsonError(again).code).toBe('OUTPUT_EXISTS');
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ vaultId, dir: restored, auditHead: { seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) }, checkpoint: null });
    expect(intoExisting.code).toBe(1);
    expect(jsonError(intoExisting).code).toBe('VAULT_EXISTS');

    // The restored vault opens with the shares too and verifies; its log ends with the restore.
    const list = await runCli(['--vault', restored, '--json', '--share', shareFiles[0]!, '--share', shareFiles[1]!, 'audit', 'list'], { home: root });
    expect(list.code).toBe(0);
    const events = (list.json as { events: AuditEvent[] }).events;
    expect(events.at(-2)?.action).toBe('vault.backup');
    expect(events.at(-1)).toMatchObject({ action: 'vault.restored', actor: 'bob' });
  });

  it('audit list shows the whole history in order; --since filters by time', async () => {
    const all = await withPass(files.newPass, ['--json', 'audit', 'list']);
    expect(all.code).toBe(0);
    const { events, total } = all.json as { events: AuditEvent[]; total: number };
    expect(total).toBe(events.length);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.action)).toEqual([
      'vault.created',
      'vault.slot-added',
      'vault.slot-added',
      'vault.passphrase-changed',
      'vault.slot-removed',
      'vault.slot-removed',
      'vault.slot-added',
      'vault.backup',
    ]);
    expect(new Set(events.map((e) => e.actor))).toEqual(new Set(['alice']));
    const since = events[4]!.at;
    const [filtered, text, badSince] = await Promise.all([
      withPass(files.newPass, ['--json', 'audit', 'list', '--since', since]),
      withPass(files.newPass, ['audit', 'list']),
      withPass(files.newPass, ['--json', 'audit', 'list', '--since', 'yesterday']),
    ]);
    expect(filtered.code).toBe(0);
    expect((filtered.json as { events: AuditEvent[] }).events.map((e) => e.seq)).toEqual(events.filter((e) => e.at >= since).map((e) => e.seq));
    expect((filtered.json as { events: AuditEvent[] }).events[0]?.seq).toBe(5);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^SEQ\s+TIME \(UTC\)\s+ACTOR\s+ACTION\s+DETAILS$/);
    expect(text.stdout).toContain('vault.passphrase-changed');
    expect(badSince.code).toBe(2);
    expect(jsonError(badSince).code).toBe('INVALID_INPUT');
  });

  it('audit verify and audit export: JSON Lines whose HMACs under the audit key chain from the genesis value', async () => {
    const out = join(root, 'audit.jsonl');
    const [verify, verifyText] = await Promise.all([withPass(files.newPass, ['--json', 'audit', 'verify']), withPass(files.newPass, ['audit', 'verify'])]);
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ ok: true, count: 8, brokenAt: null, reason: null });
    expect(verifyText.stdout).toMatch(/^Audit chain OK: 8 events/);

    const exp = await withPass(files.newPass, ['--json', 'audit', 'export', '--out', out]);
    expect(exp.code).toBe(0);
    expect(exp.json).toEqual({ file: out, events: 9 });
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEvent);
    expect(lines).toHaveLength(9);
    const raw = openRawDatabase(vaultDir, await vaultKeyOf(vaultDir, { passphrase: NEW_PASS }));
    const { key } = auditKeyOf(raw);
    raw.close();
    let prev = genesisHash(vaultId);
    for (const [i, e] of lines.entries()) {
      expect(e.seq).toBe(i + 1);
      expect(e.prevHash).toBe(prev);
      const { hash, ...content } = e;
      expect(eventMac(content, key)).toBe(hash);
      prev = hash;
    }
    expect(lines.at(-1)).toMatchObject({ action: 'audit.exported', details: { file: out } });
    expect((verify.json as { head: string }).head).toBe(lines[7]!.hash);

    const again = await withPass(files.newPass, ['--json', 'audit', 'export', '--out', out]);
    expect(again.code).toBe(1);
    expect(jsonError(again).code).toBe('OUTPUT_EXISTS');
    expect(readFileSync(out, 'utf8')).toBe(text);
  });
});
