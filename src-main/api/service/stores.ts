import type { AuditLog } from '../../core/audit/audit-log.ts';
import { CertificateStore } from '../../core/store/certificate-store.ts';
import { ExportLogStore } from '../../core/store/export-log-store.ts';
import { SettingsStore } from '../../core/store/settings-store.ts';
import { SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { Vault } from '../../core/vault/vault.ts';

/** The repositories of an unlocked vault. */
export interface Stores {
  keys: SigningKeyStore;
  certs: CertificateStore;
  settings: SettingsStore;
  exportLog: ExportLogStore;
  audit: AuditLog;
}

export function storesOf(v: Vault): Stores {
  return { keys: new SigningKeyStore(v), certs: new CertificateStore(v.db), settings: new SettingsStore(v), exportLog: new ExportLogStore(v), audit: v.audit };
}
