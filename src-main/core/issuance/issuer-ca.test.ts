/**
 * Roots and link certificates are linted with the Issuer's rules before the
 * CA key signs: a certificate that breaks a rule is refused with LINT_FAILED
 * naming the rule, and what passes is a certificate the lint accepts when it
 * reads the signed TBSCertificate back on its own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { fixedClock } from '../clock.ts';
import { lintTbsCertificate } from '../issuance/certificate-lint.ts';
import { readCertificate } from '../issuance/certificate-reader.ts';
import { PROFILES } from '../issuance/profiles.ts';
import { caSignatureAlgorithm } from '../issuance/signature-algorithms.ts';
import { generateSigningKey } from './key-material.ts';
import type { GeneratedKey } from './key-material.ts';
import { selfSignRoot } from './self-sign.ts';
import { createLinkCertificate } from './link-cert.ts';
import { signCertificate } from './cert-signer.ts';
import { caBasicConstraints } from './ca-extensions.ts';
import { randomSerialHex } from '../asn1/serial.ts';

const NOW = '2026-03-01T12:00:00.000Z';
let oldKey: GeneratedKey;
let newKey: GeneratedKey;

beforeAll(async () => {
  oldKey = await generateSigningKey('ecdsa-p256');
  newKey = await generateSigningKey('ed25519');
});

describe('CA certificates are linted before they are signed', () => {
  it('refuses a root whose subject holds a C1 control character with the lint rule subject-encoding', async () => {
    const err: unknown = await selfSignRoot({ algorithm: 'ecdsa-p256', pkcs8: oldKey.pkcs8, spki: oldKey.spki, subject: 'CN=Acme\u0085Root', clock: fixedClock(NOW) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LINT_FAILED', detail: 'subject-encoding' });
    expect((err as Error).message).toContain('lint rule subject-encoding failed');
  });

  it('refuses a CA certificate without keyUsage with the lint rule key-usage, before the CA key signs', async () => {
    const name = new x509.Name('CN=No Key Usage');
    const ski = await x509.SubjectKeyIdentifierExtension.create(oldKey.spki);
    const err: unknown = await signCertificate({
      issuerAlgorithm: 'ecdsa-p256',
      issuerPkcs8: oldKey.pkcs8,
      issuerSpki: oldKey.spki,
      subject: name,
      issuer: name,
      subjectSpki: oldKey.spki,
      serialHex: randomSerialHex(),
      notBefore: new Date(NOW),
      notAfter: new Date(Date.parse(NOW) + 86_400_000),
      extensions: [caBasicConstraints(undefined), ski, new x509.AuthorityKeyIdentifierExtension(ski.keyId)],
      lint: { pathLen: undefined, subjectKeyId: Buffer.from(ski.keyId, 'hex') },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LINT_FAILED', detail: 'key-usage' });
  });

  it('a normal root and a link certificate pass the same lint when their signed TBSCertificate is read back', async () => {
    const oldRoot = await selfSignRoot({ algorithm: 'ecdsa-p256', pkcs8: oldKey.pkcs8, spki: oldKey.spki, subject: 'CN=Acme Agents CA,O=Acme', pathLength: 1, clock: fixedClock(NOW) });
    const newRoot = await selfSignRoot({ algorithm: 'ed25519', pkcs8: newKey.pkcs8, spki: newKey.spki, subject: 'CN=Acme Agents CA 2,O=Acme', pathLength: 1, clock: fixedClock(NOW) });
    const link = await createLinkCertificate({ oldRoot: { algorithm: 'ecdsa-p256', pkcs8: oldKey.pkcs8, certificate: oldRoot.der }, newRootCertificate: newRoot.der, clock: fixedClock(NOW) });
    const old = readCertificate(oldRoot.der);
    const skiOf = (der: Uint8Array) => Buffer.from(new x509.X509Certificate(der).getExtension(x509.SubjectKeyIdentifierExtension)!.keyId, 'hex');
    const oldIssuer = { subjectDer: old.tbs.subjectDer, keyId: skiOf(oldRoot.der), notBefore: old.tbs.notBefore, notAfter: old.tbs.notAfter, signatureAlgorithm: caSignatureAlgorithm('ecdsa-p256').algorithmIdentifier };
    const lint = (der: Uint8Array, issuer: typeof oldIssuer, subjectKeyId: Uint8Array) =>
      lintTbsCertificate(readCertificate(der).tbsDer, { profile: PROFILES['sub-ca'], issuer, pathLen: 1, subjectKeyId });
    expect(() => lint(oldRoot.der, oldIssuer, oldIssuer.keyId)).not.toThrow();
    expect(() => lint(link.der, oldIssuer, skiOf(newRoot.der))).not.toThrow();
    // The same lint refuses the link against the wrong issuer: the check is not vacuous.
    const wrongIssuer = { ...oldIssuer, keyId: skiOf(newRoot.der) };
    expect(() => lint(link.der, wrongIssuer, skiOf(newRoot.der))).toThrow(expect.objectContaining({ code: 'LINT_FAILED', detail: 'authority-key-identifier' }));
  });
});
