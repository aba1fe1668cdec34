/**
 * Roots and link certificates go through the Issuer's one signing path
 * (issueCaCertificate): a certificate that breaks a lint rule is refused with
 * LINT_FAILED naming the rule before the CA key signs, and what passes is a
 * certificate the lint accepts when it reads the signed TBSCertificate back
 * on its own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { fixedClock } from '../clock.ts';
import { lintTbsCertificate } from './certificate-lint.ts';
import { readCertificate } from '../asn1/certificate-reader.ts';
import { PROFILES } from './profiles.ts';
import { caSignatureAlgorithm } from './signature-algorithms.ts';
import { Issuer } from './issuer.ts';
import { authorityKeyIdentifierExtension, extension } from './certificate-extensions.ts';
import { boolean, octetString, sequence } from '../asn1/der-writer.ts';
import { encodeDistinguishedName } from '../asn1/name.ts';
import { OID } from '../asn1/oids.ts';
import { generateSigningKey } from '../keys/key-material.ts';
import type { GeneratedKey } from '../keys/key-material.ts';
import { rootKeyIdOfSpki, selfSignRoot } from '../keys/self-sign.ts';
import { createLinkCertificate } from '../keys/link-cert.ts';

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

  it('refuses a CA certificate without keyUsage with the lint rule key-usage, before the CA key signs', () => {
    const subjectDer = encodeDistinguishedName('CN=No Key Usage');
    const keyId = rootKeyIdOfSpki(oldKey.spki);
    const notBefore = new Date(NOW);
    const notAfter = new Date(Date.parse(NOW) + 86_400_000);
    const issuer = Issuer.selfSigned({ subjectDer, spkiDer: oldKey.spki, keyId, notBefore, notAfter, pathLen: undefined, privateKey: oldKey.pkcs8, algorithm: 'ecdsa-p256' });
    let signed = 0;
    const sign = issuer.signBytes.bind(issuer);
    issuer.signBytes = (tbs) => {
      signed++;
      return sign(tbs);
    };
    const err: unknown = (() => {
      try {
        return issuer.issueCaCertificate({
          subjectDer,
          spkiDer: oldKey.spki,
          notBefore,
          notAfter,
          pathLen: undefined,
          subjectKeyId: keyId,
          extensions: [
            extension(OID.basicConstraints, true, sequence(boolean(true))),
            extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
            authorityKeyIdentifierExtension(keyId),
          ],
        });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ code: 'LINT_FAILED', detail: 'key-usage' });
    expect(signed).toBe(0);
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
