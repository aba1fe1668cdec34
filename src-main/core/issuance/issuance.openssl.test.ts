/**
 * OpenSSL (and python cryptography) as independent peers: they must accept
 * every certificate and CRL we produce, for every CA algorithm and profile,
 * and OpenSSL's revocation check must follow our CRLs.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_ALGORITHMS } from '../pki/algorithms.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { buildCertificationRequest } from './certification-request.ts';
import { crlToPem, encodeCrl } from './crl-encoder.ts';
import { createIssuer } from './issuer.ts';
import type { IssuedCertificate } from './issuer.ts';
import { NOW, VERIFY_AT, makeCsr, makeKey, makeTestCa, openssl, subjectName, withTempDir, writeFiles } from '../../testing/issuance-fixtures.ts';
import type { TestCa } from '../../testing/issuance-fixtures.ts';
import { toPem } from '../asn1/pem.ts';
import type { ProfileName } from './profiles.ts';

const WEEK = 7 * 86_400_000;
const SANS = { dns: ['agent-1.fleet.example'], ip: ['192.0.2.1'], email: [], uri: ['spiffe://fleet/agent-1'] };
const cas = new Map<KeyAlgorithm, TestCa>();

beforeAll(async () => {
  for (const alg of KEY_ALGORITHMS) cas.set(alg, await makeTestCa(alg));
});

function ca(alg: KeyAlgorithm): TestCa {
  const c = cas.get(alg);
  if (!c) throw new Error(`no CA for ${alg}`);
  return c;
}

function certPem(c: IssuedCertificate): string {
  return toPem(c.der, 'CERTIFICATE');
}

function verify(dir: string, leaf: string, extra: string[] = []): { status: number; output: string } {
  return openssl(['verify', '-attime', VERIFY_AT, '-CAfile', 'ca.pem', ...extra, leaf], dir);
}

const PURPOSE: Record<ProfileName, string> = { agent: 'sslclient', server: 'sslserver', 'sub-ca': 'any', 'ocsp-signer': 'ocsphelper', bootstrap: 'sslclient' };

describe.each(KEY_ALGORITHMS)('OpenSSL accepts what a %s CA issues', (alg) => {
  it.each(['agent', 'server', 'sub-ca', 'ocsp-signer', 'bootstrap'] as const)('%s profile', (profile) => {
    const issued = ca(alg).issuer.issue({ csr: makeCsr('p256', `${profile}-1`, SANS), profile, now: NOW });
    withTempDir((dir) => {
      writeFiles(dir, { 'ca.pem': ca(alg).pem, 'leaf.pem': certPem(issued) });
      const v = verify(dir, 'leaf.pem', ['-purpose', PURPOSE[profile], '-x509_strict']);
      expect(v.output).toContain('leaf.pem: OK');
      expect(v.status).toBe(0);
      const text = openssl(['x509', '-in', 'leaf.pem', '-noout', '-text'], dir).output;
      expect(text).toContain('Version: 3 (0x2)');
      expect(text).toMatch(/X509v3 Subject Key Identifier/);
      expect(text).toMatch(/X509v3 Authority Key Identifier/);
      if (profile === 'agent') {
        expect(text).toContain('TLS Web Client Authentication');
        // clientAuth only: OpenSSL refuses it as a server certificate.
        expect(verify(dir, 'leaf.pem', ['-purpose', 'sslserver']).status).not.toBe(0);
      }
      if (profile === 'server') expect(text).toContain('TLS Web Server Authentication');
      if (profile === 'sub-ca') expect(text).toMatch(/CA:TRUE, pathlen:0/);
      if (profile === 'ocsp-signer') {
        expect(text).toContain('OCSP Signing');
        expect(text).toContain('OCSP No Check');
      }
    });
  });
});

describe('a chain through a sub-CA we issued', () => {
  it('verifies end to end, and the sub-CA path length is enforced by OpenSSL too', () => {
    const root = ca('ecdsa-p256');
    const subKey = makeKey('p256');
    const subCsr = buildCertificationRequest({ subjectDer: subjectName('Fleet Issuing CA 1'), privateKey: subKey.privateKey });
    const sub = root.issuer.issue({ csr: subCsr, profile: 'sub-ca', now: NOW, pathLen: 0 });
    const subIssuer = createIssuer({ certificateDer: sub.der, privateKey: subKey.privateKey.export({ format: 'der', type: 'pkcs8' }), algorithm: 'ecdsa-p256' });
    const leaf = subIssuer.issue({ csr: makeCsr('ed25519', 'agent-under-sub'), profile: 'agent', now: NOW });
    // A sub-CA with pathLen 0 cannot issue another CA.
    expect(() => subIssuer.issue({ csr: makeCsr('p256', 'Nested CA'), profile: 'sub-ca', now: NOW })).toThrow(expect.objectContaining({ code: 'CHAIN_PATHLEN' }));
    withTempDir((dir) => {
      writeFiles(dir, { 'ca.pem': root.pem, 'sub.pem': certPem(sub), 'leaf.pem': certPem(leaf) });
      const v = verify(dir, 'leaf.pem', ['-untrusted', 'sub.pem', '-purpose', 'sslclient', '-x509_strict']);
      expect(v.output).toContain('leaf.pem: OK');
    });
  });
});

describe('OpenSSL accepts our CRLs and follows them', () => {
  it.each(KEY_ALGORITHMS)('%s CA: crl -verify, crl_check revoked and unrevoked, crl -text', (alg) => {
    const c = ca(alg);
    const revoked = c.issuer.issue({ csr: makeCsr('p256', 'revoked-agent'), profile: 'agent', now: NOW });
    const good = c.issuer.issue({ csr: makeCsr('p256', 'good-agent'), profile: 'agent', now: NOW });
    const crl = encodeCrl({
      issuer: c.issuer,
      crlNumber: 42n,
      thisUpdate: NOW,
      nextUpdate: new Date(NOW.getTime() + WEEK),
      entries: [
        { serialHex: revoked.serialHex, revokedAt: NOW, reason: 'keyCompromise' },
        { serialHex: '0badc0de', revokedAt: new Date('2025-05-01T00:00:00Z'), reason: 'superseded' },
        { serialHex: '7e57', revokedAt: new Date('2025-05-02T00:00:00Z'), reason: 'cessationOfOperation' },
        { serialHex: '0123', revokedAt: new Date('2025-05-03T00:00:00Z'), reason: 'unspecified' },
      ],
    });
    withTempDir((dir) => {
      writeFiles(dir, { 'ca.pem': c.pem, 'crl.pem': crlToPem(crl), 'crl.der': crl, 'revoked.pem': certPem(revoked), 'good.pem': certPem(good) });
      const check = openssl(['crl', '-in', 'crl.pem', '-CAfile', 'ca.pem', '-verify', '-noout'], dir);
      expect(check.output).toContain('verify OK');
      expect(openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-CAfile', 'ca.pem', '-verify', '-noout'], dir).output).toContain('verify OK');

      const bad = verify(dir, 'revoked.pem', ['-crl_check', '-CRLfile', 'crl.pem']);
      expect(bad.status).not.toBe(0);
      expect(bad.output).toContain('certificate revoked');
      const ok = verify(dir, 'good.pem', ['-crl_check', '-CRLfile', 'crl.pem']);
      expect(ok.output).toContain('good.pem: OK');

      const text = openssl(['crl', '-in', 'crl.pem', '-noout', '-text'], dir).output;
      expect(text).toMatch(/X509v3 CRL Number:\s*\n\s*42\b/);
      expect(text).toContain('Key Compromise');
      expect(text).toContain('Superseded');
      expect(text).toContain('Cessation Of Operation');
      expect(text).toContain('Version 2 (0x1)');
      expect(text).toMatch(/X509v3 Authority Key Identifier/);
      expect(text).toContain(`Serial Number: ${revoked.serialHex.toUpperCase()}`);
      // RFC 5280 5.3.1: no reasonCode for unspecified; OpenSSL prints three reason codes only.
      expect(text.match(/X509v3 CRL Reason Code/g)?.length).toBe(3);
    });
  });

  it('an empty CRL verifies and has no revokedCertificates', () => {
    const c = ca('ecdsa-p256');
    const crl = encodeCrl({ issuer: c.issuer, crlNumber: 1n, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + WEEK), entries: [] });
    withTempDir((dir) => {
      writeFiles(dir, { 'ca.pem': c.pem, 'crl.pem': crlToPem(crl) });
      expect(openssl(['crl', '-in', 'crl.pem', '-CAfile', 'ca.pem', '-verify', '-noout'], dir).output).toContain('verify OK');
      expect(openssl(['crl', '-in', 'crl.pem', '-noout', '-text'], dir).output).toContain('No Revoked Certificates');
    });
  });
});

/** The first python with the cryptography package (listed in .ci/apt-packages as python3-cryptography). */
function pythonWithCryptography(): string {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import cryptography'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  throw new Error('python3 with the cryptography package is required (apt-get install python3-cryptography)');
}

const PY_PARSE = `
import json, sys
from cryptography import x509
from cryptography.x509.oid import ExtensionOID
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

def signed_by(key, signature, data, hash_algorithm):
    # is_signature_valid() only learned Ed25519 in cryptography 40; verify by hand for older releases.
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hash_algorithm))
        else:
            key.verify(signature, data, padding.PKCS1v15(), hash_algorithm)
        return True
    except Exception:
        return False
ca = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
out = {'certs': []}
for path in sys.argv[3:]:
    c = x509.load_der_x509_certificate(open(path, 'rb').read())
    exts = {e.oid.dotted_string: e.critical for e in c.extensions}
    san = c.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value if ExtensionOID.SUBJECT_ALTERNATIVE_NAME.dotted_string in exts else None
    aki = c.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value
    ski = ca.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER).value
    out['certs'].append({
        'serial': format(c.serial_number, 'x'),
        'version': c.version.name,
        'subject': c.subject.rfc4514_string(),
        'extensions': exts,
        'dns': san.get_values_for_type(x509.DNSName) if san else [],
        'aki_matches': aki.key_identifier == ski.digest,
        'signature_valid': signed_by(ca.public_key(), c.signature, c.tbs_certificate_bytes, c.signature_hash_algorithm),
        'not_after': (c.not_valid_after_utc if hasattr(c, 'not_valid_after_utc') else c.not_valid_after).strftime('%Y-%m-%dT%H:%M:%SZ'),
    })
crl = x509.load_der_x509_crl(open(sys.argv[2], 'rb').read())
out['crl'] = {
    'signature_valid': signed_by(ca.public_key(), crl.signature, crl.tbs_certlist_bytes, crl.signature_hash_algorithm),
    'number': crl.extensions.get_extension_for_oid(ExtensionOID.CRL_NUMBER).value.crl_number,
    'entries': [[format(r.serial_number, 'x'), [e.value.reason.name for e in r.extensions]] for r in crl],
}
print(json.dumps(out))
`;

describe('python cryptography parses what we issue', () => {
  it.each(['ecdsa-p256', 'rsa-3072', 'ed25519'] as const)('%s CA: every profile and a CRL', (alg) => {
    const py = pythonWithCryptography();
    const c = ca(alg);
    const certs = (['agent', 'server', 'sub-ca', 'ocsp-signer'] as const).map((profile) => c.issuer.issue({ csr: makeCsr('p256', `py-${profile}`, SANS), profile, now: NOW }));
    const crl = encodeCrl({
      issuer: c.issuer,
      crlNumber: 7n,
      thisUpdate: NOW,
      nextUpdate: new Date(NOW.getTime() + WEEK),
      entries: certs.map((x, i) => ({ serialHex: x.serialHex, revokedAt: NOW, reason: i === 0 ? 'keyCompromise' : 'affiliationChanged' })),
    });
    withTempDir((dir) => {
      writeFiles(dir, { 'ca.pem': c.pem, 'crl.der': crl, ...Object.fromEntries(certs.map((x, i) => [`c${i}.der`, x.der])) });
      const r = spawnSync(py, ['-c', PY_PARSE, 'ca.pem', 'crl.der', ...certs.map((_, i) => `c${i}.der`)], { cwd: dir, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as {
        certs: { serial: string; version: string; subject: string; extensions: Record<string, boolean>; dns: string[]; aki_matches: boolean; signature_valid: boolean; not_after: string }[];
        crl: { signature_valid: boolean; number: number; entries: [string, string[]][] };
      };
      out.certs.forEach((p, i) => {
        const ours = certs[i] as IssuedCertificate;
        expect(p.serial).toBe(ours.serialHex.replace(/^0+/, ''));
        expect(p.version).toBe('v3');
        expect(p.subject).toBe(ours.subject);
        expect(p.dns).toEqual(SANS.dns);
        expect(p.aki_matches).toBe(true);
        expect(p.signature_valid).toBe(true);
        expect(p.not_after).toBe(ours.notAfter.toISOString().replace('.000', ''));
        expect(p.extensions['2.5.29.15']).toBe(true); // keyUsage critical
      });
      expect(out.crl.signature_valid).toBe(true);
      expect(out.crl.number).toBe(7);
      expect(out.crl.entries).toEqual(certs.map((x, i) => [x.serialHex.replace(/^0+/, ''), [i === 0 ? 'key_compromise' : 'affiliation_changed']]));
    });
  });
});
