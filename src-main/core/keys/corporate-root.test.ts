/**
 * OpenSSL as the corporate root: our CSR is signed by `openssl x509 -req`
 * (directly by the root, and through an OpenSSL intermediate), the chain
 * imports, and `openssl verify -CAfile root.pem -untrusted chain.pem` accepts
 * the imported chain and a certificate our sub-CA key issues.
 *
 * OpenSSL 3.0 signs from the real current time, so this file's clock is
 * fixed once at one hour after the test starts: every certificate OpenSSL
 * signs during the run is valid by then, whatever the speed of the machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { fixedClock } from '../clock.ts';
import { generateSigningKey } from './key-material.ts';
import type { GeneratedKey } from './key-material.ts';
import { createSubCaRequest } from './csr.ts';
import { importChain } from './chain-import.ts';
import { toPem } from '../asn1/pem.ts';
import { importSigningKey } from './key-material.ts';
import { makeCert, opensslWorkspace } from '../../testing/chain-fixtures.ts';

const ws = opensslWorkspace();
const clock = fixedClock(new Date(Date.now() + 3_600_000));
const SUBCA_EXT = `[v3_subca]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_inter]
basicConstraints = critical, CA:true, pathlen:1
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_leaf_ca_false]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
`;

beforeAll(() => {
  ws.write('ext.cnf', SUBCA_EXT);
  // The corporate root: RSA-3072, self-signed by OpenSSL, valid 20 years.
  ws.run('req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '7300', '-subj', '/C=DE/O=Acme Corp/CN=Acme Corporate Root', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  // An issuing intermediate (P-384), 10 years.
  ws.run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', 'inter.key', '-out', 'inter.csr', '-subj', '/C=DE/O=Acme Corp/CN=Acme Issuing CA');
  ws.run('x509', '-req', '-in', 'inter.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '3650', '-extfile', 'ext.cnf', '-extensions', 'v3_inter', '-out', 'inter.pem');
});
afterAll(() => ws.cleanup());

async function requestFor(alg: KeyAlgorithm, name: string): Promise<{ key: GeneratedKey; csrFile: string }> {
  const key = await generateSigningKey(alg);
  const req = await createSubCaRequest({ algorithm: alg, pkcs8: key.pkcs8, spki: key.spki, subject: `CN=Acme Agents CA ${name},O=Acme Corp,C=DE` });
  return { key, csrFile: ws.write(`${name}.csr`, req.pem) };
}

describe('OpenSSL as the corporate root', () => {
  it.each(['ecdsa-p256', 'ed25519', 'rsa-3072'] as const)('%s: signed directly by the root, imported, and verified by OpenSSL', async (alg) => {
    const name = `direct-${alg}`;
    const { key, csrFile } = await requestFor(alg, name);
    ws.run('x509', '-req', '-in', csrFile, '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '1825', '-extfile', 'ext.cnf', '-extensions', 'v3_subca', '-out', `${name}.pem`);
    const bundle = new Uint8Array([...ws.read(`${name}.pem`), ...ws.read('root.pem')]);
    const imported = await importChain({ input: bundle, keySpki: key.spki, clock });
    expect(imported.chain).toHaveLength(2);
    expect(imported.certificates[0]?.subject).toBe(`CN=Acme Agents CA ${name},O=Acme Corp,C=DE`);
    expect(imported.certificates[1]?.subject).toBe('CN=Acme Corporate Root,O=Acme Corp,C=DE');

    ws.write(`${name}-leaf.pem`, toPem(imported.chain[0] as Uint8Array, 'CERTIFICATE'));
    expect(ws.run('verify', '-CAfile', 'root.pem', `${name}-leaf.pem`)).toContain(': OK');
  });

  it('through an OpenSSL intermediate, root given as a separate file; OpenSSL verifies our chain and an agent certificate it issues', async () => {
    const { key, csrFile } = await requestFor('ecdsa-p384', 'via-inter');
    ws.run('x509', '-req', '-in', csrFile, '-CA', 'inter.pem', '-CAkey', 'inter.key', '-CAcreateserial', '-days', '1825', '-extfile', 'ext.cnf', '-extensions', 'v3_subca', '-out', 'sub.pem');
    const bundle = new TextEncoder().encode(`Signed chain for your request\n${new TextDecoder().decode(ws.read('inter.pem'))}\n${new TextDecoder().decode(ws.read('sub.pem'))}`);
    const imported = await importChain({ input: bundle, rootInput: ws.read('root.pem'), keySpki: key.spki, clock });
    expect(imported.chain).toHaveLength(3);
    expect(imported.rootFromSeparateFile).toBe(true);

    // What the bundle would carry: our certificate and its chain up to the root.
    ws.write('chain.pem', imported.chain.slice(0, 2).map((d) => toPem(d, 'CERTIFICATE')).join(''));
    ws.write('ours.pem', toPem(imported.chain[0] as Uint8Array, 'CERTIFICATE'));
    expect(ws.run('verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'ours.pem')).toContain('ours.pem: OK');

    // An agent certificate signed by our sub-CA key validates through the whole chain (pathlen:0 on ours, 1 on the intermediate).
    const subCert = new x509.X509Certificate(imported.chain[0] as Uint8Array);
    const agentKey = await generateSigningKey('ecdsa-p256');
    const now = clock.now();
    const agent = await makeCert({
      subject: 'CN=agent-001',
      key: { algorithm: 'ecdsa-p256', ...agentKey, privateKey: await importSigningKey('ecdsa-p256', agentKey.pkcs8) },
      issuer: { cert: { der: imported.chain[0] as Uint8Array, pem: '', cert: subCert, ski: subCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? '' }, key: { algorithm: 'ecdsa-p384', ...key, privateKey: await importSigningKey('ecdsa-p384', key.pkcs8) } },
      notBefore: new Date(now.getTime() - 7_200_000).toISOString(),
      notAfter: new Date(now.getTime() + 86_400_000).toISOString(),
      ca: false,
      keyUsage: x509.KeyUsageFlags.digitalSignature,
    });
    ws.write('agent.pem', agent.pem);
    expect(ws.run('verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'agent.pem')).toContain('agent.pem: OK');
  });

  it('refuses what OpenSSL signed with an end-entity profile (CA:false) with CHAIN_NOT_CA', async () => {
    const { key, csrFile } = await requestFor('ecdsa-p256', 'wrong-profile');
    ws.run('x509', '-req', '-in', csrFile, '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '365', '-extfile', 'ext.cnf', '-extensions', 'v3_leaf_ca_false', '-out', 'wrong.pem');
    await expect(importChain({ input: new Uint8Array([...ws.read('wrong.pem'), ...ws.read('root.pem')]), keySpki: key.spki, clock })).rejects.toMatchObject({ code: 'CHAIN_NOT_CA' });
  });

  it('refuses a chain whose intermediate has pathlen:0 with CHAIN_PATHLEN, as OpenSSL would for our agents', async () => {
    ws.write('ext0.cnf', SUBCA_EXT.replace('pathlen:1', 'pathlen:0'));
    ws.run('x509', '-req', '-in', 'inter.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '3650', '-extfile', 'ext0.cnf', '-extensions', 'v3_inter', '-out', 'inter0.pem');
    const { key, csrFile } = await requestFor('ecdsa-p256', 'pathlen');
    ws.run('x509', '-req', '-in', csrFile, '-CA', 'inter0.pem', '-CAkey', 'inter.key', '-CAcreateserial', '-days', '1825', '-extfile', 'ext.cnf', '-extensions', 'v3_subca', '-out', 'sub0.pem');
    const input = new Uint8Array([...ws.read('sub0.pem'), ...ws.read('inter0.pem'), ...ws.read('root.pem')]);
    await expect(importChain({ input, keySpki: key.spki, clock })).rejects.toMatchObject({ code: 'CHAIN_PATHLEN' });
  });
});
