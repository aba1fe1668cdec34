import type { Clock } from '../../core/clock.ts';
import type { DetectDeps } from '../../core/media/detect.ts';
import type { EjectDeps } from '../../core/media/eject.ts';
import type { Vault } from '../../core/vault/vault.ts';
import { CaStore, type CaSummary } from '../../core/store/ca-store.ts';
import type { CaScope, ProgressEvent } from '../contract/common.ts';
import type { Settings } from '../contract/settings.ts';
import { settingsOf, type Session, type SessionControl } from '../session.ts';
import { storesOf, type Stores } from './stores.ts';

/** What every handler may use, vault or not: the clock and the host's settings. */
export interface HostContext {
  readonly clock: Clock;
  /** The vault folder this session works on (it may not exist yet). */
  readonly vaultDir: string;
  /** KDF cost for new passphrase slots; only tests lower it. */
  readonly kdfCost: Session['kdfCost'];
  readonly mediaDeps: DetectDeps;
  readonly ejectDeps: EjectDeps;
  readonly issuanceWorkerUrl: URL | undefined;
  /** Nothing else runs on the host's thread (the CLI): blocking folder reads, and a batch recorded as it is signed (SessionOptions.blockingHost). */
  readonly blockingHost: boolean;
  /** Reports progress of long work to the host (desktop window, CLI); a broken listener never breaks the work. */
  progress(ev: ProgressEvent): void;
}

/**
 * The context of an operation that needs an unlocked vault (`needsUnlock`):
 * dispatch checked the lock before building it, so the vault is open and the
 * actor known; handlers take them from here and never ask the session.
 */
export interface VaultContext extends HostContext {
  readonly vault: Vault;
  /**
   * The CA the operation works on (its contract entry's `ca`): its stores are in `stores`, its
   * settings in `settings()`. null: the operation is not a CA's, or sees every CA ('oneOrAll').
   */
  readonly ca: CaSummary | null;
  readonly stores: Stores;
  /** Who unlocked the vault: the actor of every audit event this operation writes. */
  readonly actor: string;
  /** The current settings (read again on each call: settings.update changes them). */
  settings(): Settings;
  /** A new quorum's shares held for delivery one medium at a time (held-shares.ts). */
  readonly custodianShares: Pick<SessionControl, 'heldShares' | 'holdShares' | 'takeHeldShares' | 'witnessShares'>;
  /** The token PIN the desktop app typed, held in this session's memory once a token took it (token.checkPin). */
  readonly tokenPins: Pick<SessionControl, 'holdTokenPin'>;
}

/**
 * The context of an operation that runs without an unlocked vault (create,
 * unlock, lock, restore, status, info, media list, export verify, profiles):
 * the session's controls, and no way to the open vault.
 */
export interface VaultlessContext extends HostContext {
  readonly session: SessionControl;
  readonly vault?: never;
}

function hostOf(session: Session): HostContext {
  return {
    clock: session.clock,
    vaultDir: session.vaultDir,
    kdfCost: session.kdfCost,
    mediaDeps: session.mediaDeps,
    ejectDeps: session.ejectDeps,
    issuanceWorkerUrl: session.issuanceWorkerUrl,
    blockingHost: session.blockingHost,
    progress: (ev) => session.progress(ev),
  };
}

/** A CA's own settings where it has them, the vault's otherwise. */
export function caSettings(vaultSettings: Settings, ca: CaSummary | null): Settings {
  if (!ca) return vaultSettings;
  const own = ca.settings;
  return { ...vaultSettings, trustedWindowDays: own.trustedWindowDays ?? vaultSettings.trustedWindowDays, crlValidityDays: own.crlValidityDays ?? vaultSettings.crlValidityDays };
}

/**
 * Throws VAULT_LOCKED (with the reason of the last lock) when the vault is not open; for an operation
 * of one CA (`scope`), CA_NOT_FOUND for an unknown name and CA_REQUIRED when several CAs leave it open.
 */
export function vaultContext(session: Session, scope?: CaScope, selection?: string): VaultContext {
  const { vault, actor } = session.requireUnlocked();
  const cas = new CaStore(vault);
  const ca = scope === 'one' ? cas.select(selection) : scope === 'oneOrAll' ? cas.selectOrAll(selection) : null;
  // Token keys sign with this session's PIN and module: the stores reach them through the vault.
  vault.tokenAccess = session.tokenAccess;
  const stores = storesOf(vault, ca);
  return { ...hostOf(session), vault, ca, stores, actor, settings: () => caSettings(settingsOf(stores.settings), ca), custodianShares: session, tokenPins: session };
}

export function vaultlessContext(session: Session): VaultlessContext {
  return { ...hostOf(session), session };
}
