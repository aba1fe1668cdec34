/**
 * A real encrypted vault with an active self-signed "fleet" key, made through
 * the real service, for the vault benchmarks (search, revocation, CRLs).
 */
import { dispatch } from '../src-main/api/dispatch.ts';
import { createService, type Service } from '../src-main/api/service.ts';
import type { OpInput, OpName, OpResult } from '../src-main/api/contract.ts';
import { systemClock } from '../src-main/core/clock.ts';
import { CertificateStore } from '../src-main/core/store/certificate-store.ts';
import { OWASP_MINIMUM } from '../src-main/core/vault/kdf.ts';
import type { Vault } from '../src-main/core/vault/vault.ts';

export const PASS = 'bench passphrase long enough';

export async function call<N extends OpName>(service: Service, name: N, input: OpInput<N>): Promise<OpResult<N>> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code}: ${r.message}`);
  return r.value as OpResult<N>;
}

/** A service on `vaultDir` at the OWASP-minimum KDF cost (a fast unlock; the KDF is bench/vault.ts's). */
export function benchService(vaultDir: string): Service {
  return createService({ vaultDir, clock: systemClock, kdfCost: OWASP_MINIMUM });
}

export interface FleetVault {
  readonly service: Service;
  readonly keyId: string;
  readonly vault: Vault;
  readonly certs: CertificateStore;
  /** The DER of one real certificate (the CA's), stored as every row's DER. */
  readonly sample: Buffer;
}

export async function fleetVault(vaultDir: string): Promise<FleetVault> {
  const service = benchService(vaultDir);
  await call(service, 'vault.create', { actor: 'bench', passphrase: PASS });
  await call(service, 'key.create', { name: 'fleet' });
  await call(service, 'key.selfSign', { key: 'fleet', subject: 'CN=Bench Fleet CA', days: 3650 });
  await call(service, 'key.activate', { key: 'fleet' });
  const keyId = (await call(service, 'key.list', {}))[0]!.id;
  const vault = service.session.openVault!;
  const sample = Buffer.from((await call(service, 'key.show', { key: 'fleet' })).certificatePem!.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return { service, keyId, vault, certs: new CertificateStore(vault.db), sample };
}
