/**
 * One batch of 1,000 renewal requests mixing renewals and refusals, through
 * the CLI, done once: the report's counts (JSON and CSV) equal what the vault
 * recorded — new certificates, renewals, superseded revocations — and the
 * batch's one audit event. The agents' requests are made in this process
 * (testing/renewal-fixtures.ts, the form `openssl cms -sign` writes):
 * a thousand OpenSSL runs would cost more than the batch.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { readCertificate } from '../core/asn1/certificate-reader.ts';
import { pemBlocks, toPem } from '../core/asn1/pem.ts';
import { buildCertificationRequest } from '../core/issuance/certification-request.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { makeKey, subjectName } from '../testing/issuance-fixtures.ts';
import { signRenewal } from '../testing/renewal-fixtures.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import { openRawDatabase, vaultKeyOf } from '../testing/vault-fixtures.ts';

afterAll(removeTempDirs);

const PASSPHRASE = 'correct horse battery staple';
const N = 1000;

describe('a renewal batch of 1,000 requests', () => {
  it('mixing renewals and refusals: the report counts equal the vault records and the audit event', async () => {
    const dir = tempDir();
    const at = (f: string) => join(dir, f);
    const cli = inProcessCli({ vault: at('vault'), clock: fixedClock(new Date(Date.now() - 60_000)), env: { AIRGAP_CA_PASSPHRASE: PASSPHRASE } });
    const run = async (args: string[]) => {
      const r = await cli(args);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      return r.json;
    };
    await run(['vault', 'init']);
    await run(['key', 'create', '--name', 'ca']);
    await run(['key', 'self-sign', 'ca', '--subject', 'CN=Fleet CA', '--days', '3650']);
    await run(['key', 'activate', 'ca']);

    // Enrollment: every agent's first certificate, in one plain batch.
    for (const d of ['enroll', 'current', 'renew', 'out']) mkdirSync(at(d));
    const agents = Array.from({ length: N }, (_, i) => ({ name: `agent-${String(i).padStart(4, '0')}`, key: makeKey('p256').privateKey }));
    for (const a of agents) writeFileSync(at(`enroll/${a.name}.csr`), toPem(buildCertificationRequest({ subjectDer: subjectName(a.name), privateKey: a.key }), 'CERTIFICATE REQUEST'));
    await run(['--json', 'cert', 'issue-batch', '--in', at('enroll'), '--out', at('current')]);
    const current = new Map(readdirSync(at('current')).map((f) => [f.replace('.crt.pem', ''), pemBlocks(readFileSync(at(`current/${f}`), 'utf8'))[0]?.der as Buffer]));

    // The mix, by index: renewals, changed subjects, tampered envelopes, revoked signers, replays within the batch.
    const kind = (i: number) => (i % 20 === 1 ? 'subject' : i % 20 === 2 ? 'tampered' : i % 20 === 3 ? 'revoked' : i % 20 === 4 ? 'replay' : 'renew');
    writeFileSync(at('revoke.txt'), agents.filter((_, i) => kind(i) === 'revoked').map((a) => serialOfPem(current.get(a.name) as Buffer)).join('\n'));
    await run(['cert', 'revoke', '--serials-file', at('revoke.txt')]);
    let previous: Buffer | null = null;
    for (const [i, a] of agents.entries()) {
      const k = kind(i);
      if (k === 'replay' && previous) {
        writeFileSync(at(`renew/${a.name}.p7m`), previous); // the previous agent's request once more
        continue;
      }
      const csr = buildCertificationRequest({ subjectDer: subjectName(k === 'subject' ? `${a.name}-x` : a.name), privateKey: makeKey('p256').privateKey });
      const cms = signRenewal(csr, current.get(a.name) as Buffer, a.key);
      if (k === 'tampered') cms[80] = (cms[80] as number) ^ 0x01; // inside the request: the digest no longer matches
      writeFileSync(at(`renew/${a.name}.p7m`), cms);
      if (k === 'renew') previous = cms;
    }

    const before = ((await run(['--json', 'cert', 'list', '--limit', '1'])) as { total: number }).total;
    const r = await cli(['--json', 'cert', 'renew-batch', '--in', at('renew'), '--out', at('out'), '--supersede']);
    expect(r.code).toBe(1);
    const doc = r.json as { counts: { received: number; validated: number; issued: number; alreadyIssued: number; refused: number; refusedByCode: Record<string, number> }; superseded: string[]; report: { json: string; csv: string }; requests: Array<{ status: string }> };
    const each = N / 20;
    expect(doc.counts).toEqual({
      received: N,
      validated: N - 3 * each,
      issued: N - 4 * each,
      alreadyIssued: each,
      refused: 3 * each,
      refusedByCode: { RENEWAL_IDENTITY_CHANGED: each, CMS_BAD_SIGNATURE: each, RENEWAL_REVOKED: each },
    });

    // The vault's records.
    const after = ((await run(['--json', 'cert', 'list', '--limit', '1'])) as { total: number }).total;
    expect(after - before).toBe(doc.counts.issued);
    const raw = openRawDatabase(at('vault'), await vaultKeyOf(at('vault'), { passphrase: PASSPHRASE }));
    try {
      expect(raw.prepare('SELECT count(*) FROM renewals').pluck().get()).toBe(doc.counts.issued);
      expect(raw.prepare("SELECT count(*) FROM revocations r JOIN revocation_events e ON e.id = r.event WHERE e.reason = 'superseded'").pluck().get()).toBe(doc.superseded.length);
      expect(doc.superseded).toHaveLength(doc.counts.issued);
      const event = JSON.parse(raw.prepare("SELECT details FROM audit_events WHERE action = 'cert.renewal-batch'").pluck().get() as string) as Record<string, unknown>;
      expect(event).toMatchObject(doc.counts);
      expect((event.renewed as unknown[]).length).toBe(doc.counts.issued);
    } finally {
      raw.close();
    }
    // The report files say the same, one CSV line per request.
    expect(JSON.parse(readFileSync(doc.report.json, 'utf8')).counts).toEqual(doc.counts);
    const csv = readFileSync(doc.report.csv, 'utf8').trim().split('\r\n').slice(1);
    expect(csv).toHaveLength(N);
    const status = (s: string) => csv.filter((l) => l.split(',')[3] === s).length;
    expect([status('issued'), status('already-issued'), status('refused')]).toEqual([doc.counts.issued, doc.counts.alreadyIssued, doc.counts.refused]);
    expect(readdirSync(at('out')).filter((f) => f.endsWith('.crt.pem'))).toHaveLength(doc.counts.issued + doc.counts.alreadyIssued);
  }, 900_000);
});

/** A certificate's serial in the vault's form (lowercase hex, as `cert revoke --serials-file` reads it). */
function serialOfPem(der: Buffer): string {
  return Buffer.from(readCertificate(der).tbs.serial).toString('hex');
}
