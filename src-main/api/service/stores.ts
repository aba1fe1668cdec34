import type { AuditLog } from '../../core/audit/audit-log.ts';
import { CaStore, type CaSummary } from '../../core/store/ca-store.ts';
import { CertificateStore } from '../../core/store/certificate-store.ts';
import { ExportLogStore } from '../../core/store/export-log-store.ts';
import { SettingsStore } from '../../core/store/settings-store.ts';
import { SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { Vault } from '../../core/vault/vault.ts';

/** The repositories of an unlocked vault. */
export interface Stores {
  cas: CaStore;
  /** The keys and certificates of the operation's CA, or of every CA when it works on all. */
  keys: SigningKeyStore;
  certs: CertificateStore;
  settings: SettingsStore;
  exportLog: ExportLogStore;
  audit: AuditLog;
}

/** The stores of one CA (`ca`), or of every CA (null). */
export function storesOf(v: Vault, ca: CaSummary | null = null): Stores {
  const caId = ca?.id ?? null;
  return { cas: new CaStore(v), keys: new SigningKeyStore(v, caId), certs: new CertificateStore(v.db, caId), settings: new SettingsStore(v), exportLog: new ExportLogStore(v, caId), audit: v.audit };
}
