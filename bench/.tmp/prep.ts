import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { dispatch } from '../../src-main/api/dispatch.ts';
import { createService } from '../../src-main/api/service.ts';
import { systemClock } from '../../src-main/core/clock.ts';
import { installCryptoProvider } from '../../src-main/core/pki/crypto-provider.ts';
import { CertificateStore } from '../../src-main/core/store/certificate-store.ts';
import { OWASP_MINIMUM } from '../../src-main/core/vault/kdf.ts';
installCryptoProvider();
const vaultDir = process.argv[2]!; const count = Number(process.argv[3]); const mode = process.argv[4];
const call = async (s: any, n: any, i: any) => { const r = await dispatch(s, n, i); if (!r.ok) throw new Error(r.message); return r.value as any; };
const service = createService({ vaultDir, clock: systemClock, kdfCost: OWASP_MINIMUM });
if (mode === 'create') {
  await call(service, 'vault.create', { actor: 'b', passphrase: 'bench passphrase long enough' });
  await call(service, 'key.create', { name: 'fleet' });
  await call(service, 'key.selfSign', { key: 'fleet', subject: 'CN=F', days: 3650 });
  await call(service, 'key.activate', { key: 'fleet' });
  const key = (await call(service, 'key.list', {}))[0];
  const v = service.session.openVault!; const certs = new CertificateStore(v.db);
  const sample = Buffer.from((await call(service, 'key.show', { key: 'fleet' })).certificatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const now = new Date().toISOString();
  let t = cpu(); const c0 = process.cpuUsage();
  v.transaction(() => { const b = []; for (let i = 0; i < count; i++) { b.push({ serial: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'), issuerKeyId: key.id, subject: `CN=agent-${i}`, sans: [], profile: 'agent', notBefore: now, notAfter: '2030-01-01T00:00:00.000Z', issuedAt: now, der: sample }); if (b.length === 10000) certs.insert(b.splice(0)); } certs.insert(b); });
  console.log('insert', (cpu() - t).toFixed(0), 'ms wall', ((process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000).toFixed(0), 'ms cpu');
} else {
  await call(service, 'vault.unlock', { actor: 'b', credentials: { passphrase: 'bench passphrase long enough' } });
  const v = service.session.openVault!;
  if (process.env.CACHE) v.db.pragma(`cache_size = -${process.env.CACHE}`);
  if (process.env.PLAN) console.log(v.db.prepare('EXPLAIN QUERY PLAN INSERT INTO revocations (serial, issuer_key_id, revoked_at, reason) SELECT c.serial, c.issuer_key_id, ?, ? FROM certificates c WHERE c.issuer_key_id = ? AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.serial = c.serial) ORDER BY c.serial').all('a','b','c'));
  if (mode === 'revoke') { v.db.prepare('DELETE FROM revocations').run(); const c0 = process.cpuUsage(); const t = cpu(); const r = await call(service, 'cert.revokeAll', { issuer: 'fleet', reason: 'keyCompromise' }); const c = process.cpuUsage(c0); console.log('revokeAll', r.revoked, (cpu() - t).toFixed(0), 'ms wall', ((c.user + c.system) / 1000).toFixed(0), 'ms cpu'); }
  if (mode === 'crl') { const c0 = process.cpuUsage(); const t = performance.now(); const r = await call(service, 'crl.generate', { out: `/tmp/sp2/crl-${Date.now()}.der`, format: 'der' }); const c = process.cpuUsage(c0); console.log('crl', r.entries, (performance.now() - t).toFixed(0), 'ms wall', ((c.user + c.system) / 1000).toFixed(0), 'ms cpu', (process.resourceUsage().maxRSS / 1024).toFixed(0), 'MB'); }
}
service.session.lock(null);
if (mode === 'read') {
  const s2 = createService({ vaultDir, clock: systemClock, kdfCost: OWASP_MINIMUM });
  await call(s2, 'vault.unlock', { actor: 'b', credentials: { passphrase: 'bench passphrase long enough' } });
  const db = s2.session.openVault!.db; const key = (await call(s2, 'key.list', {}))[0].id;
  for (let rep = 0; rep < 3; rep++) {
  let t = 0; let n = 0; const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; }; t = cpu();
  for (const r of db.prepare('SELECT serial, revoked_at, reason FROM revocations WHERE issuer_key_id = ?').raw().iterate(key)) n++;
  console.log('iterate', n, (cpu() - t).toFixed(0));
  t = cpu(); n = 0; let last = 0;
  const page = db.prepare('SELECT rowid, serial, revoked_at, reason FROM revocations WHERE issuer_key_id = ? AND rowid > ? ORDER BY rowid LIMIT 8192').raw();
  for (;;) { const rows = page.all(key, last) as any[]; if (!rows.length) break; n += rows.length; last = rows[rows.length - 1][0]; }
  console.log('pages', n, (cpu() - t).toFixed(0));
  t = cpu(); n = 0; last = 0;
  const gc = db.prepare("SELECT max(rowid), group_concat(serial || ' ' || revoked_at || ' ' || reason, char(10)) FROM (SELECT rowid, serial, revoked_at, reason FROM revocations WHERE issuer_key_id = ? AND rowid > ? ORDER BY rowid LIMIT 65536)").raw();
  for (;;) { const [mx, text] = gc.get(key, last) as any; if (mx === null) break; n += text.split('\n').length; last = mx; }
  console.log('group_concat', n, (cpu() - t).toFixed(0));
  t = cpu(); n = 0;
  for (const r of db.prepare('SELECT serial FROM revocations WHERE issuer_key_id = ?').pluck().iterate(key)) n++;
  console.log('iterate serial only', n, (cpu() - t).toFixed(0));
  }
  s2.session.lock(null);
}
if (mode === 'rv') {
  const s2 = createService({ vaultDir, clock: systemClock, kdfCost: OWASP_MINIMUM });
  await call(s2, 'vault.unlock', { actor: 'b', credentials: { passphrase: 'bench passphrase long enough' } });
  const db = s2.session.openVault!.db; const key = (await call(s2, 'key.list', {}))[0].id;
  const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
  const variants: Record<string, string> = {
    current: 'INSERT INTO revocations (serial, issuer_key_id, revoked_at, reason) SELECT c.serial, c.issuer_key_id, ?, ? FROM certificates c WHERE c.issuer_key_id = ? AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.serial = c.serial) ORDER BY c.serial',
    noorder: 'INSERT INTO revocations (serial, issuer_key_id, revoked_at, reason) SELECT c.serial, c.issuer_key_id, ?, ? FROM certificates c WHERE c.issuer_key_id = ? AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.serial = c.serial)',
    ignore: 'INSERT OR IGNORE INTO revocations (serial, issuer_key_id, revoked_at, reason) SELECT c.serial, c.issuer_key_id, ?, ? FROM certificates c WHERE c.issuer_key_id = ? ORDER BY c.serial',
  };
  for (let rep = 0; rep < 2; rep++) for (const [name, sql] of Object.entries(variants)) {
    db.exec('BEGIN'); db.exec('DELETE FROM revocations'); const t = cpu(); const n = db.prepare(sql).run('2026-01-01T00:00:00.000Z', 'keyCompromise', key).changes; const t1 = cpu() - t; db.exec('ROLLBACK');
    console.log(name, n, t1.toFixed(0), 'ms cpu (insert only, rolled back)');
  }
  s2.session.lock(null);
}
