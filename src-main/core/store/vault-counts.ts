import type { Vault } from '../vault/vault.ts';
import { CertificateStore } from './certificate-store.ts';

/** How many keys, certificates and audit events the vault holds (for `vault info`). */
export function vaultCounts(v: Vault): { keys: number; certificates: number; auditEvents: number } {
  const count = (sql: string) => (v.db.prepare(sql).get() as { n: number }).n;
  return { keys: count('SELECT count(*) AS n FROM signing_keys'), certificates: new CertificateStore(v.db).countAll(), auditEvents: count('SELECT count(*) AS n FROM audit_events') };
}
