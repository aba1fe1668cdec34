/**
 * What a rekey of the database costs at fleet scale: a vault with N issued
 * certificates (100,000 by default, each row with the DER of a real
 * certificate), then `PRAGMA rekey` to a fresh raw 256-bit key — every page
 * re-encrypted under ChaCha20-Poly1305 in one step — followed by a reopen
 * with the new key and an integrity check. Also times today's
 * change-passphrase (a header rewrite) for comparison.
 * Usage: node bench/vault-rekey.ts [--count N] [--runs R]
 */
// @peculiar/x509 needs reflect-metadata loaded before it: first import of every entry point.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
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
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const PASS = 'bench passphrase long enough';

async function call<N extends OpName>(service: Service, name: N, input: OpInput<N>): Promise<OpResult<N>> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code}: ${r.message}`);
  return r.value as OpResult<N>;
}

const count = arg('--count', 100_000);
const runs = arg('--runs', 3);
const scratch = scratchDir('rekey');
const vaultDir = join(scratch.dir, 'vault');
try {
  const service = createService({ vaultDir, clock: systemClock, kdfCost: OWASP_MINIMUM });
  await call(service, 'vault.create', { actor: 'bench', passphrase: PASS });
  await call(service, 'key.create', { name: 'fleet' });
  await call(service, 'key.selfSign', { key: 'fleet', subject: 'CN=Bench Fleet CA', days: 3650 });
  await call(service, 'key.activate', { key: 'fleet' });
  const key = (await call(service, 'key.list', {}))[0]!;
  const vault = service.session.openVault!;
  const sample = Buffer.from((await call(service, 'key.show', { key: 'fleet' })).certificatePem!.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const certs = new CertificateStore(vault.db);
  const now = new Date();
  const notAfter = new Date(now.getTime() + 365 * 86_400_000).toISOString();
  vault.transaction(() => {
    const batch = [];
    for (let i = 0; i < count; i++) {
      batch.push({ serial: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'), issuerKeyId: key.id, subject: `CN=agent-${i}`, sans: [], profile: 'agent', notBefore: now.toISOString(), notAfter, issuedAt: now.toISOString(), der: sample });
      if (batch.length === 10_000) certs.insert(batch.splice(0));
    }
    certs.insert(batch);
  });
  const change: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await call(service, 'vault.changePassphrase', { newPassphrase: `${PASS} ${r}` });
    change.push((performance.now() - t) / 1000);
  }
  service.session.lock(null);
  const bytes = statSync(join(vaultDir, DATABASE_FILE)).size;

  // The database step of a rekey, on the raw database: key k, rekey to k', reopen with k'.
  let dbKey = randomBytes(32);
  {
    // Take the database over with a key of our own first (the vault's own key stays in the vault).
    const { vaultKeyOf } = await import('../src-main/testing/vault-fixtures.ts');
    const { deriveSubkey } = await import('../src-main/core/vault/subkeys.ts');
    const vk = await vaultKeyOf(vaultDir, { passphrase: `${PASS} ${runs - 1}` });
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
  console.log(`change-passphrase today (Argon2id at OWASP minimum + header rewrite + audited commit): median ${fmtSeconds(median(change))}`);
} finally {
  scratch.remove();
}
