/**
 * Agents played by OpenSSL for the fleet tests: a key and a request per agent, and bundle
 * receipts signed the way any agent can sign them with standard tools (`openssl dgst -sha256
 * -sign` for ECDSA and RSA, `openssl pkeyutl -sign -rawin` for Ed25519).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type AgentAlgorithm = 'ec' | 'rsa' | 'ed25519';

export interface TestAgent {
  name: string;
  alg: AgentAlgorithm;
  key: string;
  csr: string;
}

const KEY_ARGS: Record<AgentAlgorithm, string[]> = {
  ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa: ['-newkey', 'rsa:2048'],
  ed25519: ['-newkey', 'ed25519'],
};

/** A new key and PKCS#10 request for `/CN=name`; `tag` keeps the files of a renewal apart. */
export function makeAgent(dir: string, name: string, alg: AgentAlgorithm, tag = ''): TestAgent {
  const key = join(dir, `${name}${tag}.key`);
  const csr = join(dir, `${name}${tag}.csr`);
  execFileSync('openssl', ['req', '-new', ...KEY_ARGS[alg], '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return { name, alg, key, csr };
}

/** The serial of a certificate as OpenSSL prints it (upper-case hex), as an agent would read it off its own certificate. */
export function opensslSerial(certPath: string): string {
  return execFileSync('openssl', ['x509', '-noout', '-serial', '-in', certPath]).toString().trim().replace(/^serial=/, '');
}

export function receiptJson(bundleSha256: string, agentSerial: string, installedAt: string): string {
  return JSON.stringify({ type: 'airgap-ca.bundle-receipt', bundle_sha256: bundleSha256, agent_serial: agentSerial, installed_at: installedAt });
}

/** Signs the file's exact bytes with the agent's key into `<file>.sig`. */
export function signFile(agent: Pick<TestAgent, 'alg' | 'key'>, file: string): void {
  const sig = `${file}.sig`;
  if (agent.alg === 'ed25519') execFileSync('openssl', ['pkeyutl', '-sign', '-rawin', '-inkey', agent.key, '-in', file, '-out', sig]);
  else execFileSync('openssl', ['dgst', '-sha256', '-sign', agent.key, '-out', sig, file]);
}

/** Writes `<dir>/<base>.receipt.json` and its signature by the agent; returns the receipt's path. */
export function writeReceipt(dir: string, base: string, agent: Pick<TestAgent, 'alg' | 'key'>, r: { bundleSha256: string; serial: string; installedAt: string }): string {
  const file = join(dir, `${base}.receipt.json`);
  writeFileSync(file, receiptJson(r.bundleSha256, r.serial, r.installedAt));
  signFile(agent, file);
  return file;
}
