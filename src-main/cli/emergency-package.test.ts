/**
 * The emergency package after an emergency rotation of a sub-CA key certified
 * by a corporate root (OpenSSL plays the corporate root): the revocation
 * request names the serial and fingerprint OpenSSL prints for our
 * certificate, the re-issue list is what the vault revoked, and everything is
 * in the signed manifest — written on its own and carried by the next export.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

describe('the emergency package of a sub-CA key', () => {
  it('names the compromised certificate as OpenSSL sees it, lists the certificates to re-issue as the vault has them, and is in the signed manifest', async () => {
    const dir = tempDir();
    const usb = join(dir, 'usb');
    mkdirSync(usb);
    // OpenSSL stamps notBefore with the real time; our clock runs a minute ahead so the chain is valid "now".
    const clock = fixedClock(new Date(Date.now() + 60_000));
    const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple', AIRGAP_CA_MEDIA_ROOTS: usb } });
    const ok = async (args: string[]) => {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
      return r;
    };

    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '3650', '-subj', '/CN=Corporate Root/O=Acme', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    writeFileSync(join(dir, 'ext.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    const fingerprint = openssl(['x509', '-in', 'root.pem', '-noout', '-fingerprint', '-sha256'], dir).trim().split('=')[1]!;
    /** A sub-CA key of the vault, its request signed by the corporate root. */
    const subCa = async (name: string) => {
      await ok(['key', 'create', '--name', name]);
      await ok(['key', 'csr', name, '--subject', `CN=Acme ${name},O=Acme`, '--out', join(dir, `${name}.csr`)]);
      openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '730', '-extfile', 'ext.cnf', '-out', `${name}.pem`], dir);
      writeFileSync(join(dir, `${name}-chain.pem`), readFileSync(join(dir, `${name}.pem`), 'utf8') + readFileSync(join(dir, 'root.pem'), 'utf8'));
      await ok(['key', 'import-chain', name, '--file', join(dir, `${name}-chain.pem`), '--root-fingerprint', fingerprint]);
    };

    await ok(['vault', 'init']);
    await subCa('issuing-1');
    await ok(['key', 'activate', 'issuing-1']);
    const issue = async (name: string, profile: string, san?: string) => {
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`, ...(san ? ['-addext', `subjectAltName=${san}`] : [])], dir);
      return ((await ok(['--json', 'cert', 'issue', '--csr', join(dir, `${name}.csr`), '--profile', profile, '--out', join(dir, `${name}.crt`)])).json as { serial: string }).serial;
    };
    const agent1 = await issue('agent-1', 'agent');
    const agent2 = await issue('agent-2', 'agent');
    const web1 = await issue('web-1', 'server', 'DNS:web-1.example,DNS:www.web-1.example');
    // Revoked before the emergency: nothing to re-issue for it.
    await ok(['cert', 'revoke', agent2, '--reason', 'superseded']);

    // No emergency yet: nothing to write.
    const none = await cli(['--json', 'export', 'emergency', '--to', usb]);
    expect([none.code, (none.json as { error: { code: string } }).error.code]).toEqual([1, 'NO_EMERGENCY']);

    await subCa('issuing-2');
    clock.advance(1000);
    const rotation = (await ok(['--json', '--witness', 'Bob Witness', '--witness', 'Carol Witness', 'key', 'activate', 'issuing-2', '--emergency'])).json as {
      previous: { id: string };
      activated: { id: string };
      finalCrls: Array<{ number: number }>;
    };
    clock.advance(1000);

    const written = (await ok(['--json', 'export', 'emergency', '--to', usb])).json as { dir: string; reissue: number; revocationRequest: boolean; signingKeyId: string; compromisedKeyId: string };
    expect(written).toMatchObject({ reissue: 2, revocationRequest: true, signingKeyId: rotation.activated.id, compromisedKeyId: rotation.previous.id });
    const pkg = written.dir;
    expect(pkg).toMatch(/-emergency$/);

    // The revocation request: our certificate's issuer, serial and fingerprint, as OpenSSL reads them from the certificate the corporate root signed.
    const serialHex = openssl(['x509', '-in', 'issuing-1.pem', '-noout', '-serial'], dir).trim().split('=')[1]!.toLowerCase().replace(/^0+/, '');
    const ourFingerprint = openssl(['x509', '-in', 'issuing-1.pem', '-noout', '-fingerprint', '-sha256'], dir).trim().split('=')[1]!;
    const request = JSON.parse(readFileSync(join(pkg, 'REVOCATION-REQUEST.json'), 'utf8')) as { reason: string; compromised_at: string; requested_by: string; witnesses: string[]; certificate: { issuer: string; serial: string; sha256_fingerprint: string; sha256_fingerprint_grouped: string } };
    // Both as numbers: OpenSSL prints whole bytes (0D99…), the request may too; leading zeros are not part of the value.
    expect(request.certificate.serial.replace(/^0+/, '')).toBe(serialHex);
    expect(request.certificate.sha256_fingerprint_grouped).toBe(ourFingerprint);
    expect(request.certificate.sha256_fingerprint).toBe(ourFingerprint.replaceAll(':', '').toLowerCase());
    expect(request.certificate.issuer).toMatch(/CN=Corporate Root/);
    expect(request).toMatchObject({ reason: 'keyCompromise', requested_by: 'officer', witnesses: ['Bob Witness', 'Carol Witness'] });
    const text = readFileSync(join(pkg, 'REVOCATION-REQUEST.txt'), 'utf8');
    expect(text).toContain(`SHA-256 fingerprint: ${ourFingerprint}`);
    expect(text).toContain('Reason:              keyCompromise');

    // The re-issue list is exactly what the emergency revoked in the vault: every unexpired, unrevoked certificate of the old key.
    const revoked = ((await ok(['--json', 'cert', 'list', '--issuer', 'issuing-1', '--status', 'revoked'])).json as { items: Array<{ serial: string; subject: string; sans: string[]; revocationReason: string }> }).items;
    const byEmergency = revoked.filter((c) => c.revocationReason === 'keyCompromise').sort((a, b) => (a.serial < b.serial ? -1 : 1));
    expect(byEmergency.map((c) => c.serial).sort()).toEqual([agent1, web1].sort());
    const emergency = JSON.parse(readFileSync(join(pkg, 'EMERGENCY.json'), 'utf8')) as {
      compromised_key: { key_id: string; serial: string };
      replacement_key: { key_id: string };
      officer: string;
      witnesses: string[];
      final_crl: { file: string; number: number };
      reissue: { count: number; certificates: Array<{ serial: string; subject: string; sans: string[] }> };
    };
    expect(emergency.reissue.certificates.map((c) => ({ serial: c.serial, subject: c.subject, sans: c.sans }))).toEqual(byEmergency.map((c) => ({ serial: c.serial, subject: c.subject, sans: c.sans })));
    expect(emergency.compromised_key.serial.replace(/^0+/, ''), 'the same number as OpenSSL prints (leading zeros are not part of it)').toBe(serialHex);
    expect(emergency).toMatchObject({ compromised_key: { key_id: rotation.previous.id }, replacement_key: { key_id: rotation.activated.id }, officer: 'officer', witnesses: ['Bob Witness', 'Carol Witness'] });
    expect(emergency.final_crl.number).toBe(rotation.finalCrls[0]!.number);
    // The final CRL travels with it, and OpenSSL reads every revoked serial on it.
    const crlText = openssl(['crl', '-inform', 'DER', '-noout', '-text', '-in', join(pkg, emergency.final_crl.file)], dir);
    const onCrl = [...crlText.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]!.toLowerCase().replace(/^0+/, '')).sort();
    expect(onCrl).toEqual([agent1, agent2, web1].map((s) => s.replace(/^0+/, '')).sort());
    const csv = readFileSync(join(pkg, 'EMERGENCY-reissue.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('serial,subject,sans,not_after,profile');
    expect(csv.slice(1, -1).map((l) => l.split(',')[0])).toEqual(byEmergency.map((c) => c.serial));
    expect(csv.find((l) => l.startsWith(web1))).toContain('DNS:web-1.example;DNS:www.web-1.example');

    // All of it is in the signed manifest, signed by the new key.
    const manifest = JSON.parse(readFileSync(join(pkg, 'MANIFEST.json'), 'utf8')) as { files: Array<{ name: string }> };
    for (const f of ['EMERGENCY.json', 'EMERGENCY-reissue.csv', 'REVOCATION-REQUEST.txt', 'REVOCATION-REQUEST.json', emergency.final_crl.file]) expect(manifest.files.map((x) => x.name)).toContain(f);
    const verified = await cli(['--json', 'export', 'verify', pkg, '--key-id', rotation.activated.id]);
    expect(verified.code).toBe(0);
    // Writing it on its own is not the export of the rotation: agents still need the new bundle.
    const list = await ok(['key', 'list']);
    expect(list.stdout).toContain('has not been exported');

    // The next export carries the emergency files, in its signed manifest; the one after does not.
    const next = (await ok(['--json', 'export', 'media', '--to', usb])).json as { dir: string; cas: Array<{ emergency: boolean }> };
    expect(next.cas[0]!.emergency).toBe(true);
    const nextManifest = JSON.parse(readFileSync(join(next.dir, 'MANIFEST.json'), 'utf8')) as { files: Array<{ name: string }> };
    expect(nextManifest.files.map((f) => f.name)).toEqual(expect.arrayContaining(['EMERGENCY.json', 'EMERGENCY-reissue.csv', 'REVOCATION-REQUEST.txt', 'REVOCATION-REQUEST.json']));
    expect(readFileSync(join(next.dir, 'EMERGENCY.json')).equals(readFileSync(join(pkg, 'EMERGENCY.json')))).toBe(true);
    expect((await ok(['key', 'list'])).stdout).not.toContain('has not been exported');
    clock.advance(1000);
    const after = (await ok(['--json', 'export', 'media', '--to', usb])).json as { dir: string; cas: Array<{ emergency: boolean }> };
    expect(after.cas[0]!.emergency).toBe(false);
    expect(existsSync(join(after.dir, 'EMERGENCY.json'))).toBe(false);
  });
});
