/**
 * What a credential change costs at fleet scale: a vault with N issued
 * certificates (100,000 by default, each row with a 900-byte DER blob), then
 * the real `vault change-passphrase` run as the officer runs it — the CLI as a
 * child process (`node bin/airgap-ca.js`), passphrases from files, the default
 * Argon2id cost for the new slot. That is a full rekey: a new vault key, the
 * database copied (VACUUM INTO) and re-encrypted (PRAGMA rekey) under it,
 * every private key wrapped again, every slot re-wrapped, the commit by
 * rename. An unlock-only CLI call (`vault info` with the passphrase) is timed
 * too, so the rekey's own share can be read off; then `PRAGMA rekey` alone on
 * the raw database, for comparison.
 * Usage: node bench/vault-rekey.ts [--count N] [--runs R]
 */
// @peculiar/x509 needs reflect-metadata loaded before it: first import of every entry point.
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dispatch } from '../src-main/api/dispatch.ts';
import { createService, type Service } from '../src-main/api/service.ts';
import type { OpInput, OpName, OpResult } from '../src-main/api/contract.ts';
import { systemClock } from '../src-main/core/clock.ts';
import { installCryptoProvider } from '../src-main/core/pki/crypto-provider.ts';
import { CertificateStore } from '../src-main/core/store/certificate-store.ts';
import { integrityCheck, openEncryptedDatabase } from '../src-main/core/vault/database.ts';
import { DATABASE_FILE } from '../src-main/core/vault/header.ts';
import { OWASP_MINIMUM } from '../src-main/core/vault/kdf.ts';
import { fmtInt, fmtSeconds, median, scratchDir } from './bench-support.ts';

installCryptoProvider();
const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } } });
const count = Number(values.count);
const runs = Number(values.runs);
const PASS = 'bench passphrase long enough';

/** One operation through the service, as the CLI and the window call it; a refusal ends the bench. */
async function call<N extends OpName>(service: Service, name: N, input: OpInput<N>): Promise<OpResult<N>> {
  const outcome = await dispatch(service, name, input);
  if (outcome.ok) return outcome.value as OpResult<N>;
  throw new Error(`${name} was refused (${outcome.code}): ${outcome.message}`);
}

const scratch = scratchDir('rekey');
const vaultDir = join(scratch.dir, 'vault');
try {
  const service = createService({ vaultDir, clock: systemClock, kdfCost: OWASP_MINIMUM });
  await call(service, 'vault.create', { actor: 'bench', passphrase: PASS });
  // Rekeying re-encrypts pages, whatever they hold: rows of the real shape with DER-sized blobs suffice.
  await call(service, 'key.create', { name: 'fleet' });
  const issuerKeyId = (await call(service, 'key.list', {}))[0]!.id;
  const vault = service.session.openVault!;
  const store = new CertificateStore(vault.db);
  const issuedAt = new Date().toISOString();
  const der = randomBytes(900);
  vault.transaction(() => {
    for (let start = 0; start < count; start += 10_000) {
      const rows = Array.from({ length: Math.min(10_000, count - start) }, (_, j) => ({
        serial: `1${randomBytes(15).toString('hex')}`,
        issuerKeyId,
        subject: `CN=agent-${start + j}`,
        sans: [],
        profile: 'agent',
        notBefore: issuedAt,
        notAfter: issuedAt,
        issuedAt,
        der,
      }));
      store.insert(rows);
    }
  });
  service.session.lock(null);

  // The officer's command, as a child process: unlock (Argon2id), rekey, exit.
  const bin = resolve(fileURLToPath(new URL('../bin/airgap-ca.js', import.meta.url)));
  const passFile = (r: number) => {
    const f = join(scratch.dir, `pass-${r}`);
    writeFileSync(f, r === 0 ? PASS : `${PASS} ${r}`, { mode: 0o600 });
    return f;
  };
  const cliSeconds = (args: string[]): number => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [bin, '--vault', vaultDir, '--actor', 'bench', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: scratch.dir } });
    const seconds = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`airgap-ca ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return seconds;
  };
  const change: number[] = [];
  const unlockOnly: number[] = [];
  for (let r = 0; r < runs; r++) {
    unlockOnly.push(cliSeconds(['--passphrase-file', passFile(r), 'vault', 'info']));
    change.push(cliSeconds(['--passphrase-file', passFile(r), 'vault', 'change-passphrase', '--new-passphrase-file', passFile(r + 1)]));
  }
  const bytes = statSync(join(vaultDir, DATABASE_FILE)).size;

  // The database step of a rekey, on the raw database: key k, rekey to k', reopen with k'.
  let dbKey = randomBytes(32);
  {
    // Take the database over with a key of our own first (the vault's own key stays in the vault).
    const { vaultKeyOf } = await import('../src-main/testing/vault-fixtures.ts');
    const { deriveSubkey } = await import('../src-main/core/vault/subkeys.ts');
    const vk = await vaultKeyOf(vaultDir, { passphrase: `${PASS} ${runs}` });
    const db = openEncryptedDatabase(join(vaultDir, DATABASE_FILE), deriveSubkey(vk, 'database'), { create: false });
    db.pragma(`rekey="x'${dbKey.toString('hex')}'"`);
    db.close();
  }
  const rekey: number[] = [];
  for (let r = 0; r < runs; r++) {
    const db = openEncryptedDatabase(join(vaultDir, DATABASE_FILE), dbKey, { create: false });
    const next = randomBytes(32);
    const t = performance.now();
    db.pragma(`rekey="x'${next.toString('hex')}'"`);
    rekey.push((performance.now() - t) / 1000);
    db.close();
    dbKey = next;
    const check = openEncryptedDatabase(join(vaultDir, DATABASE_FILE), dbKey, { create: false });
    if (integrityCheck(check).length) throw new Error('integrity check failed after rekey');
    check.close();
  }
  console.log(`vault with ${fmtInt(count)} certificates: database ${(bytes / 1e6).toFixed(1)} MB`);
  console.log(`PRAGMA rekey (ChaCha20-Poly1305, raw key, every page): median ${fmtSeconds(median(rekey))} (runs ${rekey.map((x) => x.toFixed(2)).join(', ')})`);
  console.log(`vault change-passphrase, CLI child process (unlock + full rekey + new Argon2id slot at the default cost): median ${fmtSeconds(median(change))} (runs ${change.map((x) => x.toFixed(2)).join(', ')})`);
  console.log(`vault info with the passphrase, CLI child process (start-up + unlock only): median ${fmtSeconds(median(unlockOnly))}`);
  console.log(`the credential change's own share: ${fmtSeconds(median(change) - median(unlockOnly))}`);
} finally {
  scratch.remove();
}
