/**
 * Rollback of vault.db, caught by the audit head an export package carried
 * off the machine: through the CLI, against a real vault and real files.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliWithMedium, inProcessCli } from '../testing/cli-in-process.ts';
import { removeTempDirs } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

describe('audit verify --checkpoint', () => {
  it('a vault.db copied back over a revocation is caught as "behind" against a package exported after it; a tampered package or a non-package is CHECKPOINT_INVALID', async () => {
    const { dir, usb, clock, env, cli } = cliWithMedium();
    await cli(['vault', 'init']);
    await cli(['key', 'create', '--name', 'ca']);
    await cli(['key', 'self-sign', 'ca', '--subject', 'CN=Agents CA']);
    expect((await cli(['key', 'activate', 'ca'])).code).toBe(0);
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'a.key', '-out', 'a.csr', '-subj', '/CN=agent-1'], { cwd: dir, stdio: 'ignore' });
    const issued = await cli(['--json', 'cert', 'issue', '--csr', join(dir, 'a.csr'), '--profile', 'agent', '--out', join(dir, 'a.pem')]);
    const serial = (issued.json as { serial: string }).serial;

    copyFileSync(join(dir, 'vault', 'vault.db'), join(dir, 'snap'));
    expect((await cli(['vault', 'backup', '--out', join(dir, 'old.backup')])).code).toBe(0);
    expect((await cli(['cert', 'revoke', serial, '--reason', 'keyCompromise'])).code).toBe(0);
    const pkg = ((await cli(['--json', 'export', 'media', '--to', usb])).json as { dir: string }).dir;
    const manifest = JSON.parse(readFileSync(join(pkg, 'MANIFEST.json'), 'utf8')) as { audit_head: { seq: number; hash: string } };
    expect(manifest.audit_head.seq).toBeGreaterThan(0);

    // Before the rollback the vault contains the head.
    const fine = await cli(['--json', 'audit', 'verify', '--checkpoint', pkg]);
    expect(fine.code).toBe(0);
    expect(fine.json).toMatchObject({ ok: true, checkpoint: { status: 'contains', seq: manifest.audit_head.seq, hash: manifest.audit_head.hash } });

    // Restoring the backup made before the revocation, given the checkpoint: refused, nothing restored.
    const restoreInto = (name: string) => inProcessCli({ vault: join(dir, name), clock, env: { ...env, AIRGAP_CA_ACTOR: 'Alice' } });
    const refused = await restoreInto('restored')(['--json', 'vault', 'restore', '--from', join(dir, 'old.backup'), '--checkpoint', pkg]);
    expect([refused.code, (refused.json as { error: { code: string } }).error.code]).toEqual([1, 'CHECKPOINT_BEHIND']);
    expect(existsSync(join(dir, 'restored'))).toBe(false);
    const noReason = await restoreInto('restored')(['--json', 'vault', 'restore', '--from', join(dir, 'old.backup'), '--checkpoint', pkg, '--accept-rollback']);
    expect(noReason.code).toBe(2);
    const accepted = await restoreInto('restored')(['--json', 'vault', 'restore', '--from', join(dir, 'old.backup'), '--checkpoint', pkg, '--accept-rollback', '--reason', 'disk failure, newest backup lost']);
    expect(accepted.code).toBe(0);
    // The backup and the restore wrote events of their own, so the restored chain has an event at that number, another one: "differs".
    expect(accepted.json).toMatchObject({ checkpoint: { status: 'differs', seq: manifest.audit_head.seq }, auditHead: { seq: expect.any(Number) } });
    const restoredEvents = ((await restoreInto('restored')(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: { reason?: string } }> }).events;
    expect(restoredEvents.at(-1)).toMatchObject({ action: 'vault.rollback-accepted', details: { reason: 'disk failure, newest backup lost' } });
    // A restore without a checkpoint prints the restored head so it can be compared by hand.
    const plain = await restoreInto('restored-2')(['vault', 'restore', '--from', join(dir, 'old.backup')]);
    expect(plain.stdout).toMatch(/Restored audit head: event \d+, [0-9a-f]{64}\./);

    copyFileSync(join(dir, 'snap'), join(dir, 'vault', 'vault.db'));
    // The rolled-back vault is internally consistent: only the checkpoint shows it.
    expect((await cli(['audit', 'verify'])).code).toBe(0);
    const rolledBack = await cli(['--json', 'audit', 'verify', '--checkpoint', pkg]);
    expect(rolledBack.code).toBe(1);
    expect(rolledBack.json).toMatchObject({ ok: false, brokenAt: null, checkpoint: { status: 'behind', seq: manifest.audit_head.seq } });
    const text = await cli(['audit', 'verify', '--checkpoint', pkg]);
    expect(text.stdout).toContain('Checkpoint FAILED (behind)');

    // A checkpoint file that was tampered with does not verify and proves nothing.
    writeFileSync(join(pkg, 'MANIFEST.json'), readFileSync(join(pkg, 'MANIFEST.json'), 'utf8').replace(/"seq": \d+/, '"seq": 1'));
    const forged = await cli(['--json', 'audit', 'verify', '--checkpoint', pkg]);
    expect([forged.code, (forged.json as { error: { code: string } }).error.code]).toEqual([1, 'CHECKPOINT_INVALID']);
    const notAPackage = await cli(['--json', 'audit', 'verify', '--checkpoint', join(dir, 'a.csr')]);
    expect((notAPackage.json as { error: { code: string } }).error.code).toBe('CHECKPOINT_INVALID');
  });

  it('audit checkpoint --out: a signed file (checkable with OpenSSL), never overwritten; a vault.db rolled back behind it is "behind", one written on since "differs", and restore refuses an older backup', async () => {
    const { dir, clock, env, cli } = cliWithMedium();
    await cli(['vault', 'init']);
    await cli(['key', 'create', '--name', 'ca']);
    await cli(['key', 'self-sign', 'ca', '--subject', 'CN=Agents CA']);
    expect((await cli(['key', 'activate', 'ca'])).code).toBe(0);
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'a.key', '-out', 'a.csr', '-subj', '/CN=agent-1'], { cwd: dir, stdio: 'ignore' });
    const serial = ((await cli(['--json', 'cert', 'issue', '--csr', join(dir, 'a.csr'), '--out', join(dir, 'a.pem')])).json as { serial: string }).serial;
    copyFileSync(join(dir, 'vault', 'vault.db'), join(dir, 'snap'));
    expect((await cli(['vault', 'backup', '--out', join(dir, 'old.backup')])).code).toBe(0);
    expect((await cli(['cert', 'revoke', serial, '--reason', 'keyCompromise'])).code).toBe(0);

    const cpFile = join(dir, 'checkpoint.json');
    const written = await cli(['--json', 'audit', 'checkpoint', '--out', cpFile]);
    expect(written.code).toBe(0);
    const info = written.json as { file: string; vaultId: string; seq: number; hash: string; created: string; signingKeyId: string };
    const doc = JSON.parse(readFileSync(cpFile, 'utf8')) as Record<string, unknown>;
    expect(doc).toEqual({
      format: 'airgap-ca-audit-checkpoint',
      format_version: 1,
      vault_id: info.vaultId,
      created: info.created,
      audit_head: { seq: info.seq, hash: info.hash },
      signing_key_id: info.signingKeyId,
      signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
    });
    const events = ((await cli(['--json', 'audit', 'list'])).json as { events: Array<{ seq: number; hash: string; action: string; details: Record<string, unknown> }> }).events;
    // The head is the revocation's event; writing the file is an event of its own, after it.
    expect(events.find((e) => e.seq === info.seq)).toMatchObject({ hash: info.hash, action: 'cert.revoked' });
    expect(events.at(-1)).toMatchObject({ action: 'audit.checkpoint-written', details: { file: cpFile, seq: info.seq, hash: info.hash } });

    // Anyone with the CA certificate checks the signature with OpenSSL over the canonical JSON without "signature".
    writeFileSync(join(dir, 'ca.pem'), ((await cli(['--json', 'key', 'show', 'ca'])).json as { certificatePem: string }).certificatePem);
    execFileSync('openssl', ['x509', '-in', 'ca.pem', '-noout', '-pubkey', '-out', 'pub.pem'], { cwd: dir });
    execFileSync('python3', ['-c', 'import json,base64,sys; d=json.load(open(sys.argv[1])); open("sig.bin","wb").write(base64.b64decode(d.pop("signature"))); open("signed.json","w").write(json.dumps(d,sort_keys=True,separators=(",",":")))', cpFile], { cwd: dir });
    expect(execFileSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.bin', 'signed.json'], { cwd: dir, encoding: 'utf8' })).toContain('Verified OK');

    const again = await cli(['--json', 'audit', 'checkpoint', '--out', cpFile]);
    expect([again.code, (again.json as { error: { code: string } }).error.code]).toEqual([1, 'OUTPUT_EXISTS']);
    expect(JSON.parse(readFileSync(cpFile, 'utf8'))).toEqual(doc);

    const fine = await cli(['--json', 'audit', 'verify', '--checkpoint', cpFile]);
    expect(fine.code).toBe(0);
    expect(fine.json).toMatchObject({ ok: true, checkpoint: { source: cpFile, status: 'contains', seq: info.seq, hash: info.hash } });

    // The backup made before the revocation is refused against the file, and nothing is restored.
    const restoreInto = (name: string) => inProcessCli({ vault: join(dir, name), clock, env: { ...env, AIRGAP_CA_ACTOR: 'Alice' } });
    const refused = await restoreInto('restored')(['--json', 'vault', 'restore', '--from', join(dir, 'old.backup'), '--checkpoint', cpFile]);
    expect([refused.code, (refused.json as { error: { code: string } }).error.code]).toEqual([1, 'CHECKPOINT_BEHIND']);
    expect(existsSync(join(dir, 'restored'))).toBe(false);

    // vault.db copied back from before the revocation: consistent on its own, behind the checkpoint.
    copyFileSync(join(dir, 'snap'), join(dir, 'vault', 'vault.db'));
    expect((await cli(['audit', 'verify'])).code).toBe(0);
    expect((await cli(['--json', 'cert', 'show', serial])).json).toMatchObject({ status: 'valid' });
    const behind = await cli(['--json', 'audit', 'verify', '--checkpoint', cpFile]);
    expect(behind.code).toBe(1);
    expect(behind.json).toMatchObject({ ok: false, brokenAt: null, checkpoint: { status: 'behind', seq: info.seq } });
    expect((await cli(['audit', 'verify', '--checkpoint', cpFile])).stdout).toContain('Checkpoint FAILED (behind)');

    // Written on past the checkpoint's number after the rollback: the event there is another one.
    const count = async () => ((await cli(['--json', 'audit', 'verify'])).json as { count: number }).count;
    for (let i = 0; i < 20 && (await count()) < info.seq; i++) await cli(['key', 'create', '--name', `filler-${i}`]);
    expect(await count()).toBeGreaterThanOrEqual(info.seq);
    const differs = await cli(['--json', 'audit', 'verify', '--checkpoint', cpFile]);
    expect(differs.code).toBe(1);
    expect(differs.json).toMatchObject({ ok: false, checkpoint: { status: 'differs', seq: info.seq } });
    expect((await cli(['audit', 'verify', '--checkpoint', cpFile])).stdout).toContain('Checkpoint FAILED (differs)');

    // An altered checkpoint file proves nothing.
    writeFileSync(join(dir, 'altered.json'), readFileSync(cpFile, 'utf8').replace(`"seq": ${info.seq}`, '"seq": 1'));
    const altered = await cli(['--json', 'audit', 'verify', '--checkpoint', join(dir, 'altered.json')]);
    expect([altered.code, (altered.json as { error: { code: string } }).error.code]).toEqual([1, 'CHECKPOINT_INVALID']);
  });
});
