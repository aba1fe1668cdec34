/**
 * The corporate root that signs a sub-CA's CSR, made and run by OpenSSL as an
 * independent peer (never this project's code): a self-signed P-256 root in
 * `dir`, a sub-CA extension profile, and the signed chain (leaf + root) the
 * corporate PKI hands back.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** corp-root.pem and its key in `dir`, and sub-ca.ext, the profile CSRs are signed with. */
export function corporateRoot(dir: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'corp-root.key', '-out', 'corp-root.pem', '-subj', '/CN=Corp Root CA/O=Corp', '-days', '3650',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  writeFileSync(join(dir, 'sub-ca.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
}

/** The corporate root signs `csr` (a path, relative to `dir` or absolute) as a sub-CA certificate into `out`. */
export function signCsr(dir: string, csr: string, out: string): void {
  openssl(['x509', '-req', '-in', csr, '-CA', 'corp-root.pem', '-CAkey', 'corp-root.key', '-CAcreateserial', '-days', '1825', '-sha256', '-extfile', 'sub-ca.ext', '-out', out], dir);
}

/** The signed chain as the corporate PKI returns it: the certificate `cert` (in `dir`) then the corporate root, one PEM bundle at `to`. */
export function writeChain(dir: string, cert: string, to: string): void {
  writeFileSync(to, readFileSync(join(dir, cert), 'utf8') + readFileSync(join(dir, 'corp-root.pem'), 'utf8'));
}

/** The corporate root's SHA-256 fingerprint as OpenSSL prints it (AB:CD:…). */
export function corporateRootFingerprint(dir: string): string {
  return execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', join(dir, 'corp-root.pem')], { encoding: 'utf8' }).trim().replace(/^.*=/, '');
}
