/**
 * Fleet-scale revocation through the real service on a real encrypted vault:
 * revoke every certificate of one issuer (1,000,000 by default) in one
 * transaction, then publish that issuer's CRL from the vault (read the
 * entries, encode, sign, store). Usage: node bench/vault-revocation.ts [--count N] [--runs R] [--keep DIR | --reuse DIR]
 *
 * `--keep DIR` makes the vault in DIR (which must not exist) and leaves it there, revoked, for
 * profiling (`node --cpu-prof bin/airgap-ca.js --vault DIR/vault --passphrase-file DIR/passphrase
 * crl generate --out FILE`); `--reuse DIR` skips the setup and the revoke-all and measures the CRL
 * of such a vault (a million rows take minutes to write). `--baseline OTHER` (another checkout's folder)
 * runs OTHER/bench/vault-revocation.ts's CRL child on the same vault before each run of this one's:
 * before and after in the same run. Each child runs under GNU time for its CPU (user + sys, the whole child).
 *
 * The issued-certificate rows are written straight through CertificateStore,
 * each with the DER of one real certificate: issuing a million for real is
 * bench/issue.ts's job; this one measures what the vault does with them.
 * The CRL runs in a child process so its peak memory is its own.
 */
// @peculiar/x509 needs reflect-metadata loaded before it: first import of every entry point.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCryptoProvider } from '../src-main/core/pki/crypto-provider.ts';
import { benchService, call, fleetVault, PASS } from './bench-vault.ts';
import { fmtInt, fmtSeconds, median, scratchDir, settle } from './bench-support.ts';

installCryptoProvider();
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
if (process.argv[2] === '--crl-child') {
  // Child: unlock the prepared vault and publish the CRL; print seconds and peak RSS.
  const vaultDir = process.argv[3]!;
  const out = process.argv[4]!;
  const service = benchService(vaultDir);
  await call(service, 'vault.unlock', { actor: 'bench', credentials: { passphrase: PASS } });
  const t = performance.now();
  const r = await call(service, 'crl.generate', { out, format: 'der' });
  const seconds = (performance.now() - t) / 1000;
  console.log(JSON.stringify({ seconds, entries: r.entries, bytes: r.bytes, peakMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const count = arg('--count', 1_000_000);
const runs = arg('--runs', 3);
const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : null;
};
const keep = flag('--keep');
const reuse = flag('--reuse');
if (keep) mkdirSync(keep);
const scratch = keep || reuse ? { dir: resolve((keep ?? reuse)!), remove: () => {} } : scratchDir('revocation');
const vaultDir = join(scratch.dir, 'vault');
try {
  if (!reuse) await setupAndRevokeAll();
  const baseline = flag('--baseline');
  type Child = { seconds: number; entries: number; bytes: number; peakMb: number; childCpu: number };
  const runChild = (script: string, out: string): Child => {
    rmSync(out, { force: true });
    // The vault written back first (settle, as in vault-search.ts): the CRL's commit fsyncs the vault file.
    settle();
    const child = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, script, '--crl-child', vaultDir, out], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (child.status !== 0) throw new Error(`CRL child failed: ${child.stderr.slice(-2000)}`);
    const [, user, sys] = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(child.stderr)!;
    return { ...(JSON.parse(child.stdout.trim().split('\n').pop()!) as Omit<Child, 'childCpu'>), childCpu: Number(user) + Number(sys) };
  };
  const report = (label: string, crl: Child[]) => {
    const secs = crl.map((c) => c.seconds);
    console.log(
      `${label}CRL from the vault with ${fmtInt(crl[0]!.entries)} entries (read, encode, sign, store): median ${fmtSeconds(median(secs))} (runs ${secs.map((x) => x.toFixed(2)).join(', ')}; CPU of the whole child ${crl.map((c) => c.childCpu.toFixed(2)).join(', ')}), ` +
        `${(crl[0]!.bytes / 1e6).toFixed(1)} MB, peak RSS of the whole process ${Math.round(median(crl.map((c) => c.peakMb)))} MB; targets < 1.5 s and < 512 MB (encoding alone vs OpenSSL: bench/crl.ts)`,
    );
  };
  const ours: Child[] = [];
  const theirs: Child[] = [];
  for (let r = 0; r < runs; r++) {
    if (baseline) theirs.push(runChild(join(resolve(baseline), 'bench', 'vault-revocation.ts'), join(scratch.dir, `crl-baseline-${r}.der`)));
    ours.push(runChild(fileURLToPath(import.meta.url), join(scratch.dir, `crl-${r}.der`)));
  }
  if (baseline) report(`baseline (${baseline}): `, theirs);
  report(baseline ? 'this checkout: ' : '', ours);
} finally {
  scratch.remove();
}

async function setupAndRevokeAll(): Promise<void> {
  const { service, keyId, vault, certs, sample } = await fleetVault(vaultDir);
  let t = performance.now();
  const now = new Date();
  const notAfter = new Date(now.getTime() + 365 * 86_400_000).toISOString();
  vault.transaction(() => {
    const batch = [];
    for (let i = 0; i < count; i++) {
      batch.push({ serial: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'), issuerKeyId: keyId, subject: `CN=agent-${i}`, sans: [], profile: 'agent', notBefore: now.toISOString(), notAfter, issuedAt: now.toISOString(), der: sample });
      if (batch.length === 10_000) certs.insert(batch.splice(0));
    }
    certs.insert(batch);
  });
  console.log(`setup: ${fmtInt(count)} certificate rows written in ${fmtSeconds((performance.now() - t) / 1000)}`);
  // Writing a million rows can take longer than the auto-lock on a busy machine.
  service.session.touch();

  const revokeTimes: number[] = [];
  const revokeCpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    if (r > 0) vault.db.exec('DELETE FROM revocations; DELETE FROM revocation_events; UPDATE certificate_counts SET revoked = 0;');
    // Its commit fsyncs the vault file: the rows written before are written back first, not charged to it.
    settle();
    t = performance.now();
    const cpu = process.cpuUsage();
    const res = await call(service, 'cert.revokeAll', { issuer: 'fleet', reason: 'keyCompromise' });
    revokeTimes.push((performance.now() - t) / 1000);
    const used = process.cpuUsage(cpu);
    revokeCpu.push((used.user + used.system) / 1e6);
    if (res.revoked !== count) throw new Error(`revoked ${res.revoked}, expected ${count}`);
  }
  console.log(`revoke all ${fmtInt(count)} of one issuer (one transaction, audited): median ${fmtSeconds(median(revokeTimes))} (runs ${revokeTimes.map((x) => x.toFixed(2)).join(', ')}; CPU ${revokeCpu.map((x) => x.toFixed(2)).join(', ')}); target < 5 s`);
  service.session.lock(null);
  if (keep) writeFileSync(join(keep, 'passphrase'), PASS, { mode: 0o600 });
}
