import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, constants as fsConstants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import { DomainError, isDomainError } from '../errors.ts';
import { fsyncDir, fsyncFile, writeFileDurably } from '../fs/durable-write.ts';
import { ioError, isIoFailure } from '../fs/io-errors.ts';
import { openEncryptedDatabase, openEncryptedDatabaseOrNull, type Db } from './database.ts';
import {
  DATABASE_FILE,
  HEADER_FILE,
  HEADER_FORMAT,
  HEADER_VERSION,
  NEXT_DATABASE_FILE,
  parseHeader,
  PENDING_HEADER_FILE,
  serializeHeader,
  signHeader,
  verifyHeaderMac,
  type KeySlot,
  type QuorumSlot,
  type UnsignedHeader,
  type VaultHeader,
} from './header.ts';
import type { KdfCost } from './kdf.ts';
import { createPassphraseSlot, createQuorumSlot, proveWitnessShares, rewrapSlot, unlockPassphraseSlot, unlockWithShares, type SlotUnlock, type WitnessShareProof } from './key-slots.ts';
import { checkPassphrasePolicy } from './passphrase-policy.ts';
import { rewrapPrivateKeys } from './private-key-wrap.ts';
import { NO_TOKEN_ACCESS, type TokenAccess } from '../token/token-access.ts';
import type { SlotSummary } from './slot-summary.ts';
import { activeTransactionGuard, type TransactionWrites } from './transaction-guard.ts';
import { commitMark, runTransactionTruthfully, type CommitMark } from './commit-outcome.ts';
import { constantTimeEqual, deriveSubkey, keyCommitment, VAULT_KEY_BYTES } from './subkeys.ts';

export type ShareInput = { label: string; content: string | Uint8Array };
export type VaultCredentials = { passphrase: string } | { shares: ShareInput[] };

export type { SlotSummary };

export function summarizeSlot(s: KeySlot): SlotSummary {
  return s.type === 'passphrase'
    ? { id: s.id, type: s.type, label: s.label, created: s.created, kdf: { memoryKiB: s.kdf.memoryKiB, passes: s.kdf.passes, parallelism: s.kdf.parallelism } }
    : { id: s.id, type: s.type, label: s.label, created: s.created, threshold: s.threshold, total: s.total };
}

function headerDigest(h: VaultHeader): string {
  return createHash('sha256').update(serializeHeader(h)).digest('hex');
}

export function readVaultHeader(dir: string): VaultHeader {
  const path = join(dir, HEADER_FILE);
  if (!existsSync(path)) {
    throw new DomainError('VAULT_NOT_FOUND', `There is no vault in ${dir}. Create one with "vault init", or point --vault at the vault folder.`);
  }
  return parseHeader(readFileSync(path));
}

/** An unlocked vault: the open database and the keys derived from the vault key. Lock with close(). */
export class Vault {
  readonly dir: string;
  readonly clock: Clock;
  header: VaultHeader;
  /** The slot that unlocked this session: change-passphrase replaces this one. */
  readonly unlockedBySlot: string;
  private vaultKey: Buffer;
  private wrapKey: Buffer;
  /** Replaced (with the audit log over it) when a rekey commits: callers read `vault.db` afresh for each operation. */
  private database: Db;
  private auditLog: AuditLog;
  private closed = false;
  /** How this session reaches PKCS#11 tokens (module path from the environment, the PIN); set by the session. */
  tokenAccess: TokenAccess = NO_TOKEN_ACCESS;

  constructor(args: { dir: string; db: Db; header: VaultHeader; vaultKey: Buffer; clock: Clock; unlockedBySlot: string }) {
    this.dir = args.dir;
    this.database = args.db;
    this.header = args.header;
    this.vaultKey = args.vaultKey;
    this.clock = args.clock;
    this.unlockedBySlot = args.unlockedBySlot;
    this.wrapKey = deriveSubkey(args.vaultKey, 'private-keys');
    this.auditLog = new AuditLog(args.db, args.header.vaultId, args.clock);
  }

  get db(): Db {
    return this.database;
  }

  get audit(): AuditLog {
    return this.auditLog;
  }

  get id(): string {
    return this.header.vaultId;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** The AES key that wraps private keys inside the database. Never leaves the main process. */
  privateKeyWrapKey(): Buffer {
    this.assertOpen();
    return this.wrapKey;
  }

  backupKey(): Buffer {
    this.assertOpen();
    return deriveSubkey(this.vaultKey, 'backup');
  }

  /** Checks custodian shares presented as witnesses against this vault's quorum slots and its own key (key-slots.ts). */
  async proveWitnessShares(shares: readonly ShareInput[]): Promise<WitnessShareProof> {
    this.assertOpen();
    return proveWitnessShares(this.header, this.vaultKey, shares);
  }

  /**
   * One SQLite transaction: the change and its audit event commit together or
   * not at all. An outermost transaction opened under a guard (dispatch's, for
   * one operation: transaction-guard.ts) is measured before it commits, and
   * the guard may refuse it; a nested one is part of its outer transaction.
   */
  transaction<T>(fn: () => T): T {
    this.assertOpen();
    return guardedTransaction(this.db, fn);
  }

  /**
   * Replace the header (slots changed), durably, with the next generation. The
   * order makes every crash point recoverable: (1) the new header is written in
   * full beside the current one; (2) one transaction records its generation,
   * its digest and the audit event (the commit point); (3) it is renamed over
   * the current header. A crash before (2) leaves the old header in force (the
   * stray next header is dropped on open); after (2), the next open finishes (3).
   */
  async rewriteHeader(change: (h: UnsignedHeader) => UnsignedHeader, audit: { actor: string; action: string; details: Record<string, unknown> }): Promise<void> {
    this.assertOpen();
    const { mac: _mac, ...unsigned } = this.header;
    const generation = headerGeneration(this.header) + 1;
    const next = signHeader({ ...change(unsigned), version: HEADER_VERSION, generation }, this.vaultKey);
    if (next.slots.length === 0) throw new DomainError('LAST_SLOT', 'The last key slot cannot be removed: the vault would never open again.');
    writeFileDurably(join(this.dir, PENDING_HEADER_FILE), serializeHeader(next));
    this.transaction(() => {
      this.audit.append({ actor: audit.actor, action: audit.action, details: { ...audit.details, generation } });
      this.setMeta('header_sha256', headerDigest(next));
      this.setMeta(GENERATION_META, String(generation));
    });
    this.header = next;
    promotePendingHeader(this.dir);
  }

  /**
   * A credential change that revokes: a new random vault key. `buildSlots`
   * returns every slot of the next header, wrapped to the new key (the kept
   * ones re-wrapped to their recipients, so no credential is needed); a legacy
   * slot it cannot re-wrap refuses before anything is written. One commit
   * point (docs/architecture.md, "Rekeying"):
   *   (1) a copy of the database file takes the change: private keys
   *       wrapped again under the new private-keys subkey, the audit event, the
   *       next header's digest and generation; then PRAGMA rekey to the new
   *       database subkey; fsync. A crash leaves a stray copy, dropped on open.
   *   (2) the next header, in full, beside the current one;
   *   (3) the copy renamed over vault.db: the commit point;
   *   (4) the next header renamed over the current one (the next open
   *       finishes this when a crash came between 3 and 4).
   */
  private async rekey(buildSlots: (newVaultKey: Buffer) => Promise<KeySlot[]>, audit: { actor: string; action: string; details: Record<string, unknown> }): Promise<void> {
    this.assertOpen();
    const newKey = randomBytes(VAULT_KEY_BYTES);
    const newWrapKey = deriveSubkey(newKey, 'private-keys');
    let adopted = false;
    try {
      const slots = await buildSlots(newKey);
      if (slots.length === 0) throw new DomainError('LAST_SLOT', 'The last key slot cannot be removed: the vault would never open again. Add another slot first.');
      const generation = headerGeneration(this.header) + 1;
      const { mac: _mac, ...unsigned } = this.header;
      const next = signHeader({ ...unsigned, version: HEADER_VERSION, keyCommitment: keyCommitment(newKey, this.id), generation, slots }, newKey);
      this.writeRekeyedCopy(newKey, newWrapKey, next, { ...audit, details: { ...audit.details, generation, rekeyed: true } });
      try {
        writeFileDurably(join(this.dir, PENDING_HEADER_FILE), serializeHeader(next));
        renameSync(join(this.dir, NEXT_DATABASE_FILE), join(this.dir, DATABASE_FILE));
      } catch (e) {
        // Not committed (the rename is the commit and did not happen): the current header and database stay in force.
        removeNextDatabase(this.dir);
        rmSync(join(this.dir, PENDING_HEADER_FILE), { force: true });
        throw e;
      }
      // Committed (the rename happened): a folder sync that fails now does not undo it, and the session must follow it.
      let unsynced: unknown;
      try {
        fsyncDir(this.dir);
      } catch (e) {
        unsynced = e;
      }
      // Committed: the session goes on under the new key, on the new file.
      adopted = true;
      this.database.close();
      this.vaultKey.fill(0);
      this.wrapKey.fill(0);
      this.vaultKey = newKey;
      this.wrapKey = newWrapKey;
      this.header = next;
      const dbKey = deriveSubkey(newKey, 'database');
      try {
        this.database = openEncryptedDatabase(join(this.dir, DATABASE_FILE), dbKey, { create: false });
      } catch (e) {
        this.close();
        throw e;
      } finally {
        dbKey.fill(0);
      }
      this.auditLog = new AuditLog(this.database, this.id, this.clock);
      try {
        promotePendingHeader(this.dir);
      } catch (e) {
        unsynced ??= e;
      }
      if (unsynced !== undefined) {
        throw ioError(unsynced, {
          path: this.dir,
          doing: 'syncing the vault folder',
          changed: `The change was made (${audit.action}): the vault has its new key and the new credential opens it; the folder could not be synced, so a power loss now could bring back the old state (the next unlock finishes a pending header).`,
          then: 'run "airgap-ca vault verify" with the new credential',
        });
      }
    } finally {
      if (!adopted) {
        newKey.fill(0);
        newWrapKey.fill(0);
      }
    }
  }

  /** Step 1 of a rekey: the rekeyed copy of the database, holding the change, durably on disk. */
  private writeRekeyedCopy(newKey: Buffer, newWrapKey: Buffer, next: VaultHeader, audit: { actor: string; action: string; details: Record<string, unknown> }): void {
    const copyPath = join(this.dir, NEXT_DATABASE_FILE);
    removeNextDatabase(this.dir);
    const oldDbKey = deriveSubkey(this.vaultKey, 'database');
    const newDbKey = deriveSubkey(newKey, 'database');
    try {
      // A read transaction holds SQLite's shared lock while the file is copied: no other connection can
      // commit meanwhile, and outside a write transaction the file holds every committed page (no journal).
      this.database.exec('BEGIN');
      try {
        this.database.prepare('SELECT count(*) AS n FROM sqlite_master').get();
        copyFileSync(join(this.dir, DATABASE_FILE), copyPath, fsConstants.COPYFILE_EXCL);
      } finally {
        this.database.exec('COMMIT');
      }
      chmodSync(copyPath, 0o600);
      const copy = openEncryptedDatabase(copyPath, oldDbKey, { create: false });
      try {
        const copyAudit = new AuditLog(copy, this.id, this.clock);
        guardedTransaction(copy, () => {
          const privateKeys = rewrapPrivateKeys(copy, this.wrapKey, newWrapKey);
          copyAudit.append({ actor: audit.actor, action: audit.action, details: { ...audit.details, privateKeysRewrapped: privateKeys } });
          setMetaIn(copy, 'header_sha256', headerDigest(next));
          setMetaIn(copy, GENERATION_META, String(next.generation ?? 0));
        });
        copy.pragma(`rekey="x'${newDbKey.toString('hex')}'"`);
      } finally {
        copy.close();
      }
      fsyncFile(copyPath);
    } catch (e) {
      removeNextDatabase(this.dir);
      throw e;
    } finally {
      oldDbKey.fill(0);
      newDbKey.fill(0);
    }
  }

  async addPassphraseSlot(args: { passphrase: string; label: string; actor: string; cost?: KdfCost }): Promise<SlotSummary> {
    checkPassphrasePolicy(args.passphrase);
    const slot = await createPassphraseSlot({ vaultId: this.id, vaultKey: this.vaultKey, passphrase: args.passphrase, cost: args.cost, label: args.label, now: this.clock.now() });
    await this.rewriteHeader((h) => ({ ...h, slots: [...h.slots, slot] }), { actor: args.actor, action: 'vault.slot-added', details: { slot: slot.id, type: 'passphrase', label: slot.label } });
    return summarizeSlot(slot);
  }

  /**
   * Adds a custodian quorum slot. With `replaceSlot`, the new quorum takes that
   * slot's place and the vault gets a new key (a rekey): the replaced slot's
   * shares open nothing of the vault from then on. Its share files are then
   * handed to `deliverShares` before the change commits (the files it
   * returns are returned, its `audit` goes into the event): a quorum replaced
   * by one whose shares were never written would leave the vault without that
   * way in. When the rekey then fails before its commit, `withdraw` takes the
   * written shares back and its sentence is added to the error.
   */
  async addQuorumSlot(args: {
    threshold: number;
    total: number;
    label: string;
    actor: string;
    replaceSlot?: string;
    deliverShares?: (slotId: string, shareFiles: string[]) => { files: string[]; audit: Record<string, unknown>; withdraw: () => string };
  }): Promise<{ slot: SlotSummary; shareFiles: string[] }> {
    const make = (vaultKey: Buffer) => createQuorumSlot({ vaultId: this.id, vaultKey, threshold: args.threshold, total: args.total, label: args.label, now: this.clock.now() });
    const details = (slot: QuorumSlot) => ({ slot: slot.id, type: 'quorum', threshold: slot.threshold, total: slot.total, label: slot.label });
    if (args.replaceSlot === undefined) {
      const { slot, shareFiles } = await make(this.vaultKey);
      await this.rewriteHeader((h) => ({ ...h, slots: [...h.slots, slot] }), { actor: args.actor, action: 'vault.slot-added', details: details(slot) });
      return { slot: summarizeSlot(slot), shareFiles };
    }
    const replaced = args.replaceSlot;
    if (!this.header.slots.some((s) => s.id === replaced)) throw new DomainError('SLOT_NOT_FOUND', `This vault has no key slot ${replaced} to replace. "vault info" lists the slots.`);
    let made: { slot: QuorumSlot; shareFiles: string[] } | undefined;
    let delivered: { withdraw: () => string } | undefined;
    // rekey reads the event's details after buildSlots: the new slot and its delivered shares are in it.
    const audit = { actor: args.actor, action: 'vault.slot-added', details: { replacedSlot: replaced } as Record<string, unknown> };
    try {
      await this.rekey(async (key) => {
        const kept = this.header.slots.filter((s) => s.id !== replaced).map((s) => rewrapSlot(s, this.id, key));
        const fresh = await make(key);
        const d = args.deliverShares?.(fresh.slot.id, fresh.shareFiles);
        delivered = d;
        made = { slot: fresh.slot, shareFiles: d ? d.files : fresh.shareFiles };
        audit.details = { ...audit.details, ...details(fresh.slot), ...(d ? d.audit : {}) };
        return [...kept, fresh.slot];
      }, audit);
    } catch (e) {
      const slotId = made?.slot.id;
      // Not committed (the header in force has no new slot): shares written for it open nothing and go again.
      if (delivered && !this.header.slots.some((s) => s.id === slotId)) {
        const note = delivered.withdraw();
        if (isDomainError(e)) throw new DomainError(e.code, `${e.message} The quorum did not replace slot ${replaced}: ${note}`, e.detail);
        if (isIoFailure(e)) {
          throw ioError(e, { path: this.dir, doing: `replacing slot ${replaced}`, changed: `Nothing was changed: slot ${replaced} still opens the vault and the vault key is the same. ${note}`, then: 'add the quorum again' });
        }
      }
      throw e;
    }
    return { slot: summarizeSlot(made!.slot), shareFiles: made!.shareFiles };
  }

  /** Removes a slot and gives the vault a new key: the removed slot's credential opens nothing of the vault from now on. */
  async removeSlot(args: { slotId: string; actor: string }): Promise<void> {
    const slot = this.header.slots.find((s) => s.id === args.slotId);
    if (!slot) throw new DomainError('SLOT_NOT_FOUND', `This vault has no key slot ${args.slotId}. "vault info" lists the slots.`);
    if (this.header.slots.length === 1) throw new DomainError('LAST_SLOT', 'The last key slot cannot be removed: the vault would never open again. Add another slot first.');
    await this.rekey(async (key) => this.header.slots.filter((s) => s.id !== args.slotId).map((s) => rewrapSlot(s, this.id, key)), {
      actor: args.actor,
      action: 'vault.slot-removed',
      details: { slot: slot.id, type: slot.type },
    });
  }

  /** Replaces the passphrase slot that unlocked this session (or the only one); every other slot keeps working. */
  async changePassphrase(args: { newPassphrase: string; actor: string; cost?: KdfCost }): Promise<SlotSummary> {
    checkPassphrasePolicy(args.newPassphrase);
    const passphraseSlots = this.header.slots.filter((s) => s.type === 'passphrase');
    const target = passphraseSlots.find((s) => s.id === this.unlockedBySlot) ?? (passphraseSlots.length === 1 ? passphraseSlots[0] : undefined);
    if (!target) {
      throw new DomainError('SLOT_NOT_FOUND', 'It is not clear which passphrase to change: unlock with the passphrase you want to replace.');
    }
    let slot: KeySlot | undefined;
    await this.rekey(
      async (key) => {
        // The others first: a legacy slot that cannot be carried over refuses before the Argon2id run.
        const others = this.header.slots.map((s) => (s.id === target.id ? null : rewrapSlot(s, this.id, key)));
        const fresh = await createPassphraseSlot({ vaultId: this.id, vaultKey: key, passphrase: args.newPassphrase, cost: args.cost, label: target.label, now: this.clock.now() });
        slot = fresh;
        return others.map((s) => s ?? fresh);
      },
      { actor: args.actor, action: 'vault.passphrase-changed', details: { replacedSlot: target.id } },
    );
    return summarizeSlot(slot!);
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    setMetaIn(this.db, key, value);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.database.close();
    } finally {
      this.vaultKey.fill(0);
      this.wrapKey.fill(0);
      this.vaultKey = Buffer.alloc(0);
      this.wrapKey = Buffer.alloc(0);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new DomainError('VAULT_LOCKED', 'The vault is locked. Unlock it first.');
  }
}

const GENERATION_META = 'header_generation';

/**
 * One SQLite transaction on `db` under the guard of the work running now
 * (dispatch's write check): the vault's own transactions, and a rekey's
 * transaction on the database copy that becomes the vault at its commit.
 */
function guardedTransaction<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return db.transaction(fn)();
  const guard = activeTransactionGuard();
  let writes: TransactionWrites = { auditEvents: 0, rowChanges: 0 };
  // An I/O error at or after COMMIT is answered by reading back what the transaction wrote (commit-outcome.ts).
  const result = runTransactionTruthfully(db, (atCommit: (mark: CommitMark | null, value: T) => void) =>
    db.transaction(() => {
      const before = writeCounters(db);
      const r = fn();
      const after = writeCounters(db);
      writes = { auditEvents: after.lastSeq - before.lastSeq, rowChanges: after.changes - before.changes };
      guard?.beforeCommit(writes);
      const mark = commitMark(db, before.lastSeq);
      writes = { ...writes, lastEvent: mark && { seq: mark.seq, action: mark.action } };
      atCommit(mark, r);
      return r;
    })(),
  );
  guard?.committed(writes);
  return result;
}

/** This connection's row changes so far, and the last audit event's number. */
function writeCounters(db: Db): { changes: number; lastSeq: number } {
  return db.prepare('SELECT total_changes() AS changes, coalesce((SELECT max(seq) FROM audit_events), 0) AS lastSeq').get() as { changes: number; lastSeq: number };
}

function setMetaIn(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** The rekeyed copy of a credential change that never reached its commit (and its journal): never part of the vault. */
function removeNextDatabase(dir: string): void {
  rmSync(join(dir, NEXT_DATABASE_FILE), { force: true });
  rmSync(join(dir, `${NEXT_DATABASE_FILE}-journal`), { force: true });
}

function headerGeneration(h: VaultHeader): number {
  return h.generation ?? 0;
}

function promotePendingHeader(dir: string): void {
  renameSync(join(dir, PENDING_HEADER_FILE), join(dir, HEADER_FILE));
  fsyncDir(dir);
}

/** The next header left by a slot change that was interrupted, or null (none, or unreadable: then it never committed). */
function readPendingHeader(dir: string): VaultHeader | null {
  const path = join(dir, PENDING_HEADER_FILE);
  if (!existsSync(path)) return null;
  try {
    return parseHeader(readFileSync(path));
  } catch {
    return null;
  }
}

function generationMismatch(header: VaultHeader, dbGeneration: number): DomainError {
  const h = headerGeneration(header);
  return h < dbGeneration
    ? new DomainError(
        'HEADER_GENERATION_MISMATCH',
        `The vault header is generation ${h}, but the database is at generation ${dbGeneration}: this is an old header, put back from a copy or a backup, and the credential that opened it was changed or removed since. It no longer opens this vault. Put back the current vault-header.json, or restore the whole vault from a backup with "vault restore".`,
      )
    : new DomainError(
        'HEADER_GENERATION_MISMATCH',
        `The vault header is generation ${h}, but the database is only at generation ${dbGeneration}: the database is older than its header (it was replaced by an older copy). Restore the whole vault from a backup with "vault restore", and investigate.`,
      );
}

const INTERRUPTED_CHANGE =
  'This credential belongs to a slot change that was interrupted before it took effect: unlock with the credential from before the change, then make the change again.';

/**
 * A genuine header (its MAC holds under the key its credential opened) whose
 * key does not open vault.db. With the next header of a committed rekey beside
 * it, that is known: the credential was changed or removed by that rekey.
 * Without, header and database are of different generations across a rekey —
 * which of the two is older cannot be read from a database that does not open.
 */
function keyOpensNoDatabase(header: VaultHeader, rekeyCommitted: boolean): DomainError {
  return rekeyCommitted
    ? new DomainError(
        'CREDENTIAL_REVOKED',
        'This credential was changed or removed by a credential change that has taken effect (the vault has a new key since): it no longer opens this vault. Unlock with the new passphrase, or with the credential of a slot that was kept.',
      )
    : new DomainError(
        'HEADER_GENERATION_MISMATCH',
        `The vault header (generation ${headerGeneration(header)}) is genuine, but its key does not open vault.db: header and database are of different generations. Either this is an old header, put back from a copy or a backup — the credential that opened it was changed or removed since and the vault has a new key, so it opens nothing of the current vault: put back the current vault-header.json and unlock with a current credential — or vault.db was replaced by a copy from another generation (or is damaged): restore the whole vault from a backup with "vault restore", and investigate.`,
      );
}

/**
 * Opens the database with a key already proven by the header's commitment,
 * checks that header and database are of one generation (finishing a slot
 * change that committed but had not yet renamed its header), and audits a
 * header change it has not seen. Null when the key does not decrypt vault.db
 * (a header from before a rekey, or the next header of a rekey that never committed).
 */
function openWithHeader(dir: string, header: VaultHeader, vaultKey: Buffer, clock: Clock, unlockedBySlot: string, actor: string): Vault | null {
  if (!constantTimeEqual(keyCommitment(vaultKey, header.vaultId), header.keyCommitment)) {
    throw new DomainError('HEADER_TAMPERED', "The unlocked key does not match the vault header's key commitment: the header was altered. Restore the vault from a backup and investigate.");
  }
  verifyHeaderMac(header, vaultKey);
  const dbKey = deriveSubkey(vaultKey, 'database');
  let db: Db | null;
  try {
    db = openEncryptedDatabaseOrNull(join(dir, DATABASE_FILE), dbKey, { create: false });
  } finally {
    dbKey.fill(0);
  }
  if (!db) return null;
  let current = header;
  try {
    const dbGeneration = Number((db.prepare('SELECT value FROM meta WHERE key = ?').get(GENERATION_META) as { value: string } | undefined)?.value ?? '0');
    const pending = readPendingHeader(dir);
    const unlockedFromPending = pending !== null && headerDigest(pending) === headerDigest(header);
    if (unlockedFromPending && headerGeneration(header) === dbGeneration) {
      // Unlocked with the new credential of a change that committed but had not renamed its header yet.
      promotePendingHeader(dir);
    } else if (unlockedFromPending) {
      throw new DomainError('WRONG_PASSPHRASE', INTERRUPTED_CHANGE);
    } else if (pending && headerGeneration(pending) === dbGeneration && pending.vaultId === header.vaultId && headerGeneration(header) !== dbGeneration) {
      // The change committed (the database has its generation) but its header was not renamed yet: finish it.
      verifyHeaderMac(pending, vaultKey);
      promotePendingHeader(dir);
      current = pending;
    } else if (headerGeneration(header) === dbGeneration && existsSync(join(dir, PENDING_HEADER_FILE))) {
      // A change that never reached its commit: the current header stays in force.
      rmSync(join(dir, PENDING_HEADER_FILE), { force: true });
    }
    if (headerGeneration(current) !== dbGeneration) throw generationMismatch(current, dbGeneration);
    // This key opened vault.db, so a rekeyed copy beside it never reached its commit.
    if (existsSync(join(dir, NEXT_DATABASE_FILE))) removeNextDatabase(dir);
  } catch (e) {
    db.close();
    throw e;
  }
  const vault = new Vault({ dir, db, header: current, vaultKey, clock, unlockedBySlot });
  const digest = headerDigest(current);
  const known = vault.getMeta('header_sha256');
  if (known !== digest) {
    vault.transaction(() => {
      vault.audit.append({ actor, action: 'vault.header-changed', details: { note: 'the key-slot header changed without its audit event (a crash during a slot change)', slots: current.slots.map((s) => s.id) } });
      vault.setMeta('header_sha256', digest);
    });
  }
  return vault;
}

/** openWithHeader for a header and key that belong together (a new vault, a restored backup): a key that opens no database is refused. */
export function openUnlocked(dir: string, header: VaultHeader, vaultKey: Buffer, clock: Clock, unlockedBySlot: string, actor: string): Vault {
  const vault = openWithHeader(dir, header, vaultKey, clock, unlockedBySlot, actor);
  if (!vault) throw keyOpensNoDatabase(header, false);
  return vault;
}

export interface RecoveredKey {
  key: Buffer;
  slot: string;
  /** A legacy slot that opened: the same slot as a recipient of the same key, for the header. */
  upgraded: SlotUnlock['upgraded'];
}

/** Recovers the vault key from a passphrase or custodian shares; throws WRONG_PASSPHRASE or a share error. */
export async function recoverVaultKey(header: VaultHeader, credentials: VaultCredentials): Promise<RecoveredKey> {
  if ('passphrase' in credentials) {
    const slots = header.slots.filter((s) => s.type === 'passphrase');
    if (slots.length === 0) {
      throw new DomainError('WRONG_PASSPHRASE', "This vault has no passphrase slot: unlock it with the custodians' shares (--share FILE, once per share).");
    }
    for (const slot of slots) {
      const opened = await unlockPassphraseSlot(header.vaultId, slot, credentials.passphrase);
      if (opened) return { key: opened.key, slot: slot.id, upgraded: opened.upgraded };
    }
    throw new DomainError('WRONG_PASSPHRASE', 'Wrong passphrase: the vault stays locked. Check the passphrase (and the keyboard layout) and try again.');
  }
  const opened = await unlockWithShares(header, credentials.shares);
  return { key: opened.key, slot: 'quorum', upgraded: opened.upgraded };
}

/** A legacy slot that just unlocked becomes a recipient slot (same key, same parameters), so later rekeys can carry it. */
async function upgradeUnlockedSlot(vault: Vault, recovered: RecoveredKey, actor: string): Promise<Vault> {
  const upgraded = recovered.upgraded;
  if (!upgraded || !vault.header.slots.some((s) => s.id === upgraded.id)) return vault;
  try {
    await vault.rewriteHeader((h) => ({ ...h, slots: h.slots.map((s) => (s.id === upgraded.id ? upgraded : s)) }), {
      actor,
      action: 'vault.slot-upgraded',
      details: { slot: upgraded.id, type: upgraded.type, note: 'converted to a recipient slot, so that a rekey can carry it' },
    });
  } catch (e) {
    vault.close();
    throw e;
  }
  return vault;
}

/**
 * Unlocks with the current header, or with the next header of a change that
 * committed but had not renamed it yet. The credential is tried against the
 * current header first; when its key no longer opens vault.db (a rekey
 * committed) or the credential is only in the next header, the next one.
 */
export async function unlockVault(dir: string, credentials: VaultCredentials, opts: { clock: Clock; actor: string }): Promise<Vault> {
  const header = readVaultHeader(dir);
  let fromHeader: RecoveredKey | null = null;
  let refusal: unknown = null;
  try {
    fromHeader = await recoverVaultKey(header, credentials);
  } catch (e) {
    refusal = e;
  }
  if (fromHeader) {
    const vault = openWithHeader(dir, header, fromHeader.key, opts.clock, fromHeader.slot, opts.actor);
    if (vault) return upgradeUnlockedSlot(vault, fromHeader, opts.actor);
  }
  const pending = readPendingHeader(dir);
  const next = pending && pending.vaultId === header.vaultId && headerGeneration(pending) === headerGeneration(header) + 1 ? pending : null;
  const fromPending = next ? await recoverVaultKey(next, credentials).catch(() => null) : null;
  if (next && fromPending) {
    const vault = openWithHeader(dir, next, fromPending.key, opts.clock, fromPending.slot, opts.actor);
    if (vault) return upgradeUnlockedSlot(vault, fromPending, opts.actor);
    // The next header's key opens nothing yet: a rekey that never reached its commit.
    throw new DomainError('WRONG_PASSPHRASE', INTERRUPTED_CHANGE);
  }
  if (!fromHeader) throw refusal;
  throw keyOpensNoDatabase(header, next !== null && !existsSync(join(dir, NEXT_DATABASE_FILE)));
}

export interface CreateVaultOptions {
  dir: string;
  passphrase?: string;
  quorum?: { threshold: number; total: number };
  kdfCost?: KdfCost;
  clock: Clock;
  actor: string;
}

/**
 * Creates a vault in a folder that does not exist yet (or is empty). Everything
 * is built in a temporary sibling folder and renamed into place, so a crash
 * never leaves a half-made vault under the real name.
 */
export async function createVault(opts: CreateVaultOptions): Promise<{ vault: Vault; shareFiles: string[] }> {
  const dir = resolve(opts.dir);
  if (existsSync(dir)) {
    const st = statSync(dir);
    if (!st.isDirectory() || readdirSync(dir).length > 0) {
      throw new DomainError('VAULT_EXISTS', `${dir} already exists and is not empty. Choose a new folder for the vault; an existing vault is never overwritten.`);
    }
  }
  if (!opts.passphrase && !opts.quorum) throw new DomainError('INVALID_INPUT', 'A vault needs a passphrase, a custodian quorum, or both.');
  if (opts.passphrase !== undefined) checkPassphrasePolicy(opts.passphrase);
  const now = opts.clock.now();
  const vaultId = randomUUID();
  const vaultKey = randomBytes(VAULT_KEY_BYTES);
  const slots: KeySlot[] = [];
  let shareFiles: string[] = [];
  if (opts.passphrase !== undefined) {
    slots.push(await createPassphraseSlot({ vaultId, vaultKey, passphrase: opts.passphrase, cost: opts.kdfCost, label: 'passphrase', now }));
  }
  if (opts.quorum) {
    const q = await createQuorumSlot({ vaultId, vaultKey, threshold: opts.quorum.threshold, total: opts.quorum.total, label: `custodians ${opts.quorum.threshold} of ${opts.quorum.total}`, now });
    slots.push(q.slot);
    shareFiles = q.shareFiles;
  }
  const unsigned: UnsignedHeader = {
    format: HEADER_FORMAT,
    version: HEADER_VERSION,
    vaultId,
    created: now.toISOString(),
    database: { file: DATABASE_FILE, cipher: 'chacha20' },
    keyCommitment: keyCommitment(vaultKey, vaultId),
    generation: 0,
    slots,
  };
  const header = signHeader(unsigned, vaultKey);

  mkdirSync(dirname(dir), { recursive: true });
  const staging = join(dirname(dir), `.${basename(dir)}.creating-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging, { mode: 0o700 });
  try {
    const dbKey = deriveSubkey(vaultKey, 'database');
    const db = openEncryptedDatabase(join(staging, DATABASE_FILE), dbKey, { create: true });
    dbKey.fill(0);
    const vault = new Vault({ dir: staging, db, header, vaultKey: Buffer.from(vaultKey), clock: opts.clock, unlockedBySlot: slots[0]!.id });
    vault.transaction(() => {
      vault.setMeta('vault_id', vaultId);
      vault.setMeta('header_sha256', headerDigest(header));
      vault.setMeta(GENERATION_META, '0');
      vault.audit.append({
        actor: opts.actor,
        action: 'vault.created',
        details: { vaultId, slots: slots.map((s) => ({ id: s.id, type: s.type, ...(s.type === 'quorum' ? { threshold: s.threshold, total: s.total } : {}) })) },
      });
      // The migrations made the first CA before the vault had any data; it was created with the vault, its first event.
      vault.db.prepare("UPDATE cas SET created_at = (SELECT min(at) FROM audit_events) WHERE id = 'default'").run();
    });
    vault.close();
    writeFileDurably(join(staging, HEADER_FILE), serializeHeader(header));
    fsyncDir(staging);
    // rmdir, not rm: it removes only an empty folder (checked above), and rm refuses folders without recursive.
    if (existsSync(dir)) rmdirSync(dir);
    renameSync(staging, dir);
    fsyncDir(dirname(dir));
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const vault = openUnlocked(dir, header, vaultKey, opts.clock, slots[0]!.id, opts.actor);
  return { vault, shareFiles };
}
