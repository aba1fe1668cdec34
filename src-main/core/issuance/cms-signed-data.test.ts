/**
 * The CMS reader against what OpenSSL writes: each signer algorithm and
 * identifier it accepts, and each way a SignedData is not a renewal request
 * it can use, named by its code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openssl, withTempDir } from '../../testing/issuance-fixtures.ts';
import { codeOf } from '../../testing/refusals.ts';
import { readSignedData } from './cms-signed-data.ts';

/** Sign a fresh request with `cms -sign` and the given options; the request's DER and the CMS bytes. */
function cms(key: string[], sign: string[]): { csr: Buffer; cms: Buffer } {
  return withTempDir((dir) => {
    const run = (args: string[]) => {
      const r = openssl(args, dir);
      if (r.status !== 0) throw new Error(r.output);
    };
    run(['req', '-x509', ...key, '-nodes', '-keyout', 's.key', '-out', 's.crt', '-subj', '/CN=agent', '-days', '30']);
    run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'n.key', '-subj', '/CN=agent', '-outform', 'DER', '-out', 'n.csr']);
    run(['cms', '-sign', '-binary', '-signer', 's.crt', '-inkey', 's.key', '-in', 'n.csr', '-out', 'r.p7m', ...sign]);
    return { csr: readFileSync(join(dir, 'n.csr')), cms: readFileSync(join(dir, 'r.p7m')) };
  });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

describe('readSignedData', () => {
  it.each([
    ['ECDSA P-256, SHA-256, DER', EC, ['-nodetach', '-outform', 'DER', '-md', 'sha256']],
    ['ECDSA P-384, SHA-384, PEM', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-nodetach', '-outform', 'PEM', '-md', 'sha384']],
    ['RSA, SHA-256, subjectKeyIdentifier', ['-newkey', 'rsa:2048'], ['-nodetach', '-outform', 'DER', '-md', 'sha256', '-keyid']],
    ['no signed attributes', EC, ['-nodetach', '-outform', 'DER', '-md', 'sha256', '-noattr']],
  ])('accepts %s: the content is the request, the signer its certificate', (_name, key, sign) => {
    const made = cms(key, sign);
    const r = readSignedData(made.cms);
    expect(Buffer.from(r.content).equals(made.csr)).toBe(true);
    expect(r.otherCertificates).toEqual([]);
  });

  it.each([
    ['detached (no -nodetach)', EC, ['-outform', 'DER', '-md', 'sha256'], 'CMS_UNPARSEABLE'],
    ['BER with indefinite lengths (-stream)', EC, ['-nodetach', '-stream', '-outform', 'DER', '-md', 'sha256'], 'CMS_UNPARSEABLE'],
    ["without the signer's certificate (-nocerts)", EC, ['-nodetach', '-nocerts', '-outform', 'DER', '-md', 'sha256'], 'CMS_SIGNER_MISSING'],
    ['SHA-1', EC, ['-nodetach', '-outform', 'DER', '-md', 'sha1'], 'CMS_UNSUPPORTED_ALGORITHM'],
    ['RSA-PSS', ['-newkey', 'rsa:2048'], ['-nodetach', '-outform', 'DER', '-md', 'sha256', '-keyopt', 'rsa_padding_mode:pss'], 'CMS_UNSUPPORTED_ALGORITHM'],
  ])('refuses %s', (_name, key, sign, code) => {
    expect(codeOf(() => readSignedData(cms(key, sign).cms))).toBe(code);
  });

  it('refuses two PEM blocks, another PEM label, an empty file and one past the size limit', () => {
    const pem = cms(EC, ['-nodetach', '-outform', 'PEM', '-md', 'sha256']).cms;
    expect(codeOf(() => readSignedData(Buffer.concat([pem, pem])))).toBe('CMS_UNPARSEABLE');
    expect(codeOf(() => readSignedData(Buffer.from(pem.toString().replaceAll('CMS', 'CERTIFICATE'))))).toBe('CMS_UNPARSEABLE');
    expect(codeOf(() => readSignedData(Buffer.alloc(0)))).toBe('CMS_UNPARSEABLE');
    expect(codeOf(() => readSignedData(pem, { maxBytes: 100 }))).toBe('CMS_UNPARSEABLE');
  });
});
