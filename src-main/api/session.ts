import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { TokenAccess } from '../core/token/token-access.ts';
import { DomainError } from '../core/errors.ts';
import { systemDeps, type DetectDeps } from '../core/media/detect.ts';
import { systemEjectDeps, type EjectDeps } from '../core/media/eject.ts';
import { fileFailureStore, UnlockThrottle } from '../core/vault/unlock-throttle.ts';
import type { Vault } from '../core/vault/vault.ts';
import type { ProgressEvent } from './contract/common.ts';
import { DEFAULT_SETTINGS, type Settings } from './contract/settings.ts';
import { SettingsStore } from '../core/store/settings-store.ts';
import { vaultCounts } from '../core/store/vault-counts.ts';
import type { HeldShares } from './service/held-shares.ts';
import { PresentedWitnessShares } from './service/witness-shares.ts';

export interface Logger {
  /** Detail for operators and developers; never a passphrase, never key material. */
  error(message: string, detail?: string): void;
  /** The file it writes to, when it writes to one: an answer can say where the detail is. */
  readonly path?: string;
}

export const stderrLogger: Logger = {
  error: (message, detail) => process.stderr.write(`[airgap-ca] ${message}${detail ? `: ${detail}` : ''}\n`),
};

/**
 * A logger that appends to `path` (created readable by the user only) and
 * keeps the terminal free of stack traces: when the file cannot be written,
 * one line on stderr says so, without the detail.
 */
export function fileLogger(path: string, stderr: (s: string) => void): Logger & { path: string } {
  return {
    path,
    error: (message, detail) => {
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        appendFileSync(path, `${new Date().toISOString()} ${message}${detail ? `\n  ${detail.replaceAll('\n', '\n  ')}` : ''}\n`, { mode: 0o600 });
      } catch (e) {
        stderr(`[airgap-ca] the detail of this failure could not be written to the log ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}).\n`);
      }
    },
  };
}

export interface SessionOptions {
  vaultDir: string;
  clock: Clock;
  /** The actor for changes when none was given at unlock (CLI: --actor, env, OS user). */
  defaultActor?: string;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** KDF cost for new passphrase slots; only tests lower it, never below OWASP's minimum. */
  kdfCost?: { memoryKiB: number; passes: number; parallelism: number };
  /** How removable media are found (commands, environment); tests pass their own AIRGAP_CA_MEDIA_ROOTS. */
  mediaDeps?: DetectDeps;
  /** How media are ejected (tools, mount table); default the platform's own. */
  ejectDeps?: EjectDeps;
  /** The batch-issuance worker's entry when a bundler moved it (the desktop app); default: next to its source. */
  issuanceWorkerUrl?: URL;
  /**
   * The host's thread answers nobody else while an operation runs (the CLI): folders of requests are read with
   * blocking calls (readRequestFolder's `blocking`), and cert.issueBatch waits for its workers without giving up
   * the thread, recording the batch inside one transaction as it is signed (issueBatchBlocking).
   */
  blockingHost?: boolean;
  /** How tokens are reached: AIRGAP_CA_PKCS11_MODULE and the user PIN the host holds (in memory only). */
  tokens?: TokenAccess;
}

/** The settings as the contract types them: the defaults, overridden by what the vault stores. */
export function settingsOf(store: SettingsStore): Settings {
  const s: Settings = { ...DEFAULT_SETTINGS };
  for (const { key, value } of store.values()) {
    // The module path is text ('' once cleared), the witness-share rule 'true' or 'false'; every other setting is a number.
    if (key === 'pkcs11Module') s.pkcs11Module = value === '' ? null : value;
    else if (key === 'emergencyWitnessShares') s.emergencyWitnessShares = value === 'true';
    else if (key in s) (s as unknown as Record<string, number>)[key] = Number(value);
  }
  return s;
}

/**
 * What the handlers of operations that run without an unlocked vault (create,
 * unlock, lock, restore, status, info) may do with the session: everything
 * but reach the open vault, which this type does not offer.
 */
export interface SessionControl {
  readonly vaultDir: string;
  readonly throttle: UnlockThrottle;
  readonly unlocked: boolean;
  readonly actor: string | null;
  readonly lockedReason: string | null;
  attach(vault: Vault, actor: string): void;
  lock(reason: string | null): void;
  settings(): Settings;
  /** The open vault's counts (`vault info`), or null when it is locked. */
  counts(): { keys: number; certificates: number; auditEvents: number } | null;
  /** Hold (or forget, null) the token PIN a host without its own PIN source (the desktop app) was given; in memory only, forgotten on lock. */
  holdTokenPin(pin: string | null): void;
  /** A new quorum's shares held for delivery one medium at a time (vault.writeShare); null when none. */
  readonly heldShares: HeldShares | null;
  /** Hold new shares (the ones held before are given up first, recorded). */
  holdShares(shares: HeldShares | null): void;
  /** Stop holding the shares without giving them up here: the caller ends their delivery. */
  takeHeldShares(): HeldShares | null;
  /** The witness shares presented so far (the console's emergency ceremony), zeroed on lock. */
  readonly witnessShares: PresentedWitnessShares;
}

/**
 * The service's state: which vault, whether it is unlocked, who is acting,
 * and when it was last used (auto-lock). One per process (CLI) or per window
 * (desktop app).
 */
export class Session implements SessionControl {
  readonly vaultDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly throttle: UnlockThrottle;
  readonly kdfCost: SessionOptions['kdfCost'];
  readonly mediaDeps: DetectDeps;
  readonly ejectDeps: EjectDeps;
  readonly issuanceWorkerUrl: URL | undefined;
  readonly blockingHost: boolean;
  readonly tokenAccess: TokenAccess;
  actor: string | null;
  lockedReason: string | null = null;
  /** Set by the host (Electron window, e2e bridge, CLI) to show progress of long work. */
  onProgress: ((ev: ProgressEvent) => void) | null = null;
  private vault: Vault | null = null;
  private lastActivity = 0;

  constructor(opts: SessionOptions) {
    this.vaultDir = opts.vaultDir;
    this.clock = opts.clock;
    this.actor = opts.defaultActor ?? null;
    this.logger = opts.logger ?? stderrLogger;
    this.throttle = new UnlockThrottle(opts.sleep, fileFailureStore(opts.vaultDir));
    this.kdfCost = opts.kdfCost;
    this.mediaDeps = opts.mediaDeps ?? systemDeps();
    this.ejectDeps = opts.ejectDeps ?? systemEjectDeps();
    this.issuanceWorkerUrl = opts.issuanceWorkerUrl;
    this.blockingHost = opts.blockingHost ?? false;
    // A host with no PIN source of its own (the desktop app) hands the PIN over with token.setPin.
    this.tokenAccess = opts.tokens ?? { moduleFromEnvironment: undefined, pin: () => this.heldPin ?? undefined };
  }

  private heldPin: string | null = null;

  holdTokenPin(pin: string | null): void {
    this.heldPin = pin;
  }

  private held: HeldShares | null = null;
  readonly witnessShares = new PresentedWitnessShares();

  get heldShares(): HeldShares | null {
    return this.held;
  }

  holdShares(shares: HeldShares | null): void {
    this.releaseHeld('new shares were made');
    this.held = shares;
  }

  takeHeldShares(): HeldShares | null {
    const held = this.held;
    this.held = null;
    return held;
  }

  /** Gives up the held shares: those not written are recorded as discarded while the vault is still open. */
  private releaseHeld(reason: string): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    try {
      held.release(this.openVault, this.actor, reason);
    } catch (e) {
      held.clear();
      this.logger.error('could not record the custodian shares given up', e instanceof Error ? e.message : String(e));
    }
  }

  get unlocked(): boolean {
    return this.vault !== null && this.vault.isOpen;
  }

  get openVault(): Vault | null {
    return this.unlocked ? this.vault : null;
  }

  attach(vault: Vault, actor: string): void {
    this.releaseHeld('another vault was opened');
    this.witnessShares.clear();
    this.vault?.close();
    this.vault = vault;
    this.actor = actor;
    this.lockedReason = null;
    this.touch();
  }

  lock(reason: string | null): void {
    this.heldPin = null;
    this.witnessShares.clear();
    this.releaseHeld(reason ? `the vault was ${reason}` : 'the vault was locked');
    if (this.vault) this.vault.close();
    this.vault = null;
    this.lockedReason = reason;
  }

  progress(ev: ProgressEvent): void {
    try {
      this.onProgress?.(ev);
    } catch {
      // A broken progress listener must never break the operation it reports on.
    }
  }

  touch(): void {
    this.lastActivity = this.clock.now().getTime();
  }

  settings(): Settings {
    const v = this.openVault;
    return v ? settingsOf(new SettingsStore(v)) : DEFAULT_SETTINGS;
  }

  counts(): { keys: number; certificates: number; auditEvents: number } | null {
    const v = this.openVault;
    return v ? vaultCounts(v) : null;
  }

  /** Locks an idle session; called before every operation and by the desktop shell's timer. */
  checkIdle(): boolean {
    if (!this.unlocked) return false;
    const minutes = this.settings().autoLockMinutes;
    if (this.clock.now().getTime() - this.lastActivity >= minutes * 60_000) {
      this.lock(`locked after ${minutes} minute${minutes === 1 ? '' : 's'} without activity`);
      return true;
    }
    return false;
  }

  requireVault(): Vault {
    const v = this.openVault;
    if (!v) {
      throw new DomainError('VAULT_LOCKED', this.lockedReason ? `The vault is locked (${this.lockedReason}). Unlock it again.` : 'The vault is locked. Unlock it first.');
    }
    return v;
  }

  /** The open vault and who unlocked it, for an operation that needs them (dispatch builds its context from these). */
  requireUnlocked(): { vault: Vault; actor: string } {
    return { vault: this.requireVault(), actor: this.requireActor() };
  }

  requireActor(): string {
    if (!this.actor) throw new DomainError('INVALID_INPUT', 'Every change needs an actor: give --actor NAME (or set AIRGAP_CA_ACTOR).');
    return this.actor;
  }
}
