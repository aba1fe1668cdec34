import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { ioError } from '../../core/fs/io-errors.ts';
import { writeFileDurably } from '../../core/fs/durable-write.ts';
import { integrityCheck } from '../../core/vault/database.ts';
import { isOnRemovableMedia } from '../../core/media/detect.ts';
import { restoreBackup, writeBackup } from '../../core/vault/backup.ts';
import type { VaultHeader } from '../../core/vault/header.ts';
import { createVault, readVaultHeader, summarizeSlot, unlockVault, type Vault, type VaultCredentials } from '../../core/vault/vault.ts';
import { readCheckpoint } from '../../core/audit/checkpoint.ts';
import { SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { OpParsedInput, OpResult } from '../contract.ts';
import type { SessionStatus, SharesReleased, VaultInfo } from '../contract/vault.ts';
import type { vaultOps } from '../contract/vault.ts';
import type { SessionControl } from '../session.ts';
import type { VaultlessContext } from './context.ts';
import type { HandlersFor } from './handler.ts';
import { vaultCounts } from '../../core/store/vault-counts.ts';
import { repeatedFolder } from '../../core/fs/distinct-folders.ts';
import { HeldShares, removeShareFiles, shareFileName, writeSharesApart } from './held-shares.ts';
import { proveWitnesses, quorumSlots, refuseRemovingLastQuorum } from './witness-shares.ts';

/** A restore refused after the fact: the folder did not exist before, so removing it changes nothing. */
function discardRestored(vault: Vault): void {
  const dir = vault.dir;
  vault.close();
  rmSync(dir, { recursive: true, force: true });
}

function status(session: SessionControl): SessionStatus {
  let header: VaultHeader | null;
  try {
    header = existsSync(session.vaultDir) ? readVaultHeader(session.vaultDir) : null;
  } catch {
    header = null;
  }
  const quorum = header?.slots.find((s) => s.type === 'quorum');
  return {
    vaultDir: session.vaultDir,
    vaultExists: header !== null,
    unlocked: session.unlocked,
    vaultId: header?.vaultId ?? null,
    actor: session.unlocked ? session.actor : null,
    autoLockMinutes: session.settings().autoLockMinutes,
    lockedReason: session.lockedReason,
    unlockMethods: [...new Set(header?.slots.map((s) => s.type) ?? [])],
    quorumThreshold: quorum && quorum.type === 'quorum' ? quorum.threshold : null,
  };
}

function info(dir: string, counts: VaultInfo['counts']): VaultInfo {
  if (!existsSync(dir)) return { dir, exists: false, vaultId: null, created: null, formatVersion: null, slots: [], counts: null };
  const header = readVaultHeader(dir);
  return {
    dir,
    exists: true,
    vaultId: header.vaultId,
    created: header.created,
    formatVersion: header.version,
    slots: header.slots.map(summarizeSlot),
    counts,
  };
}

/**
 * Share files go to a folder the officer chose (removable media, one per
 * custodian); never overwritten. When one cannot be written, those already
 * written are removed again (a partial set is no delivery) and the I/O error
 * says what stands: `changed` (what the vault holds now) and `then` (what to
 * do) come from the caller.
 */
function writeShareFiles(dir: string, vaultId: string, slotId: string, files: string[], onFailure: { changed: string; then: string }): string[] {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  const paths = files.map((_, i) => join(target, shareFileName(vaultId, slotId, i + 1, files.length)));
  const clash = paths.find((p) => existsSync(p));
  if (clash) throw new DomainError('OUTPUT_EXISTS', `${clash} already exists. Choose an empty folder for the custodian shares.`);
  const written: string[] = [];
  for (const [i, p] of paths.entries()) {
    try {
      writeFileDurably(p, Buffer.from(files[i]!, 'utf8'), { exclusive: true, mode: 0o600 });
      written.push(p);
    } catch (e) {
      const left = removeShareFiles([...written, ...(existsSync(p) ? [p] : [])]);
      const files = left.length ? ` These share files could not be removed: delete them: ${left.join(', ')}.` : ' No share file was left in the folder.';
      throw ioError(e, { path: p, doing: `writing share ${i + 1} of ${paths.length}`, changed: `${onFailure.changed}${files}`, then: onFailure.then });
    }
  }
  return paths;
}

/** docs/architecture.md, "Vault format": the live vault stays on the internal disk, never on removable media. */
async function refuseRemovable(ctx: VaultlessContext): Promise<void> {
  const { removable, medium } = await isOnRemovableMedia(ctx.vaultDir, ctx.mediaDeps);
  if (removable) {
    throw new DomainError(
      'VAULT_ON_REMOVABLE_MEDIA',
      `The vault folder ${ctx.vaultDir} is on removable media (${medium?.label || medium?.path}). The live vault must stay on the workstation's internal disk: use --vault with a folder there, and carry only backups and exports on media.`,
    );
  }
}

/** Holder names, when given, name every share: one per share, in order. */
function checkHolders(q: { total: number; holders?: string[] | undefined }): void {
  if (q.holders !== undefined && q.holders.length !== q.total) {
    throw new DomainError('INVALID_INPUT', `${q.holders.length} holder name${q.holders.length === 1 ? '' : 's'} given for ${q.total} shares. Name one holder per share, or none.`);
  }
}

function credentialsOf(c: { passphrase: string } | { shares: Array<{ label: string; content: string }> }): VaultCredentials {
  return 'passphrase' in c ? { passphrase: c.passphrase } : { shares: c.shares };
}

async function throttled<T>(session: SessionControl, attempt: () => Promise<T>): Promise<T> {
  return session.throttle.exclusive(async () => {
    await session.throttle.beforeAttempt();
    try {
      const r = await attempt();
      session.throttle.succeeded();
      return r;
    } catch (e) {
      if (e instanceof DomainError && ['WRONG_PASSPHRASE', 'NOT_ENOUGH_SHARES', 'SHARE_CORRUPT', 'SHARE_WRONG_VAULT', 'SHARE_DUPLICATE', 'SHARE_MISMATCH'].includes(e.code)) {
        session.throttle.failed();
      }
      throw e;
    }
  });
}

type QuorumInput = OpParsedInput<'vault.addQuorumSlot'>;

function quorumLabel(q: { threshold: number; total: number; label?: string | undefined }): string {
  return q.label ?? `custodians ${q.threshold} of ${q.total}`;
}

/**
 * A quorum that takes `replaced`'s place (a rekey): its shares are written
 * before the change commits, all into `sharesDir` or one into each of
 * `shareDirs` (each read back); any that cannot be changes nothing.
 */
async function replaceQuorum(v: Vault, actor: string, input: QuorumInput, replaced: string): Promise<OpResult<'vault.addQuorumSlot'>> {
  const { sharesDir, shareDirs } = input;
  if ((sharesDir === undefined) === (shareDirs === undefined)) {
    throw new DomainError(
      'INVALID_INPUT',
      `A quorum that replaces slot ${replaced} writes its shares before the change commits: give a folder for each share (each on its own medium) or one folder for all of them, not ${sharesDir === undefined ? 'neither' : 'both'}. Nothing was changed.`,
    );
  }
  if (shareDirs !== undefined) checkShareDirs(input.total, shareDirs);
  const unchanged = { changed: `Nothing was changed: the quorum does not replace slot ${replaced}, and the old shares still open the vault.`, then: 'add the quorum again' };
  const { slot, shareFiles } = await v.addQuorumSlot({
    threshold: input.threshold,
    total: input.total,
    label: quorumLabel(input),
    actor,
    replaceSlot: replaced,
    deliverShares: (slotId, files) => {
      if (shareDirs !== undefined) return writeSharesApart({ vaultId: v.id, slotId, files, dirs: shareDirs, holders: input.holders, replaceSlot: replaced });
      const paths = writeShareFiles(sharesDir!, v.id, slotId, files, unchanged);
      return { files: paths, audit: {}, withdraw: () => withdrawShareFiles(paths) };
    },
  });
  const delivered: SharesReleased | null =
    shareDirs === undefined
      ? null
      : {
          slotId: slot.id,
          threshold: input.threshold,
          total: input.total,
          shares: shareFiles.map((file, i) => ({ index: i + 1, holder: input.holders?.[i] ?? null, written: true, file })),
          written: shareFiles.map((_, i) => i + 1),
          discarded: [],
          canUnlock: true,
          meaning: `All ${input.total} shares were written, each to its own medium and verified, before slot ${replaced} was replaced. Any ${input.threshold} of them unlock the vault.`,
        };
  return { slot, shareFiles, heldShares: null, delivered };
}

/** One folder per share, all different (SHARES_TOGETHER), as many as there are shares. */
function checkShareDirs(total: number, dirs: readonly string[]): void {
  if (dirs.length !== total) throw new DomainError('INVALID_INPUT', `${dirs.length} share folders given for ${total} shares. Give one folder per share, each on its own medium. Nothing was changed.`);
  const twice = repeatedFolder(dirs);
  if (twice) throw new DomainError('SHARES_TOGETHER', `${twice.dir} is given for share ${twice.first} and share ${twice.again}. Each share goes to its own medium: give a different folder for each. Nothing was changed.`);
}

/** Takes back share files written into one folder for a change that did not commit. */
function withdrawShareFiles(paths: readonly string[]): string {
  const left = removeShareFiles(paths);
  return left.length ? `These share files of the new quorum could not be removed and are void: delete them: ${left.join(', ')}.` : 'The share files written for it were removed again.';
}

export const vaultHandlers: HandlersFor<keyof typeof vaultOps> = {
  'session.status': (_i, ctx) => status(ctx.session),
  'vault.info': (_i, ctx) => info(ctx.vaultDir, ctx.session.counts()),

  'vault.create': async (input, ctx) => {
    if (input.quorum) checkHolders(input.quorum);
    await refuseRemovable(ctx);
    const { vault, shareFiles } = await createVault({
      dir: ctx.vaultDir,
      passphrase: input.passphrase,
      quorum: input.quorum ? { threshold: input.quorum.threshold, total: input.quorum.total } : undefined,
      kdfCost: ctx.kdfCost,
      clock: ctx.clock,
      actor: input.actor,
    });
    let paths: string[] = [];
    let held: HeldShares | null = null;
    const slotId = vault.header.slots.find((s) => s.type === 'quorum')?.id ?? 'quorum';
    try {
      if (input.quorum?.sharesDir !== undefined) {
        const dir = vault.dir;
        const removeNew = (): boolean => {
          vault.close();
          try {
            rmSync(dir, { recursive: true, force: true });
            return true;
          } catch {
            return false;
          }
        };
        try {
          paths = writeShareFiles(input.quorum.sharesDir, vault.id, slotId, shareFiles, { changed: 'The new vault cannot be opened without its shares, so it was removed again: nothing was changed.', then: 'run "vault init" again' });
        } catch (e) {
          // A vault made seconds ago by this call, holding only its creation: nothing is lost by removing it.
          if (removeNew() || !isDomainError(e)) throw e;
          throw new DomainError(e.code, `${e.message.replace('so it was removed again: nothing was changed.', 'but it could not be removed:')} Delete ${dir} before running "vault init" again.`, e.detail);
        }
      }
      else if (input.quorum) held = new HeldShares(vault.id, slotId, input.quorum.threshold, input.quorum.total, shareFiles, input.quorum.holders);
    } catch (e) {
      vault.close();
      throw e;
    }
    ctx.session.attach(vault, input.actor);
    ctx.session.holdShares(held);
    return { vaultId: vault.id, shareFiles: paths, heldShares: held?.view() ?? null, slots: vault.header.slots.map(summarizeSlot) };
  },

  'vault.unlock': async (input, ctx) => {
    await refuseRemovable(ctx);
    const vault = await throttled(ctx.session, () => unlockVault(ctx.vaultDir, credentialsOf(input.credentials), { clock: ctx.clock, actor: input.actor }));
    ctx.session.attach(vault, input.actor);
    return status(ctx.session);
  },

  'vault.lock': (_i, ctx) => {
    ctx.session.lock(null);
    return status(ctx.session);
  },

  'vault.verify': (_i, ctx) => {
    const v = ctx.vault;
    const integrity = integrityCheck(v.db);
    const audit = v.audit.verify();
    return {
      ok: integrity.length === 0 && audit.ok,
      integrity,
      audit: audit.ok ? { ok: true, count: audit.count, brokenAt: null, reason: null } : { ok: false, count: audit.count, brokenAt: audit.brokenAt, reason: audit.reason },
    };
  },

  'vault.changePassphrase': async (input, ctx) => ctx.vault.changePassphrase({ newPassphrase: input.newPassphrase, actor: ctx.actor, cost: ctx.kdfCost }),

  'vault.addPassphraseSlot': async (input, ctx) =>
    ctx.vault.addPassphraseSlot({ passphrase: input.passphrase, label: input.label, actor: ctx.actor, cost: ctx.kdfCost }),

  'vault.addQuorumSlot': async (input, ctx) => {
    const v = ctx.vault;
    checkHolders(input);
    const waiting = ctx.custodianShares.heldShares;
    if (waiting) {
      const left = waiting.view().shares.filter((x: { written: boolean }) => !x.written).length;
      throw new DomainError('INVALID_INPUT', `${left} share${left === 1 ? '' : 's'} of quorum slot ${waiting.slotId} ${left === 1 ? 'is' : 'are'} still waiting to be written. Finish writing them (or end that delivery) before adding another quorum.`);
    }
    const { sharesDir, shareDirs, replaceSlot } = input;
    if (replaceSlot !== undefined) return replaceQuorum(v, ctx.actor, input, replaceSlot);
    if (shareDirs !== undefined) {
      throw new DomainError('INVALID_INPUT', 'A folder for each share (shareDirs) goes with replacing a slot; a quorum added beside the others writes its shares one at a time (vault.writeShare).');
    }
    const { slot, shareFiles } = await v.addQuorumSlot({ threshold: input.threshold, total: input.total, label: quorumLabel(input), actor: ctx.actor });
    if (sharesDir !== undefined) {
      const shares = writeShareFiles(sharesDir, v.id, slot.id, shareFiles, {
        changed: `Quorum slot ${slot.id} was added to the vault (vault.slot-added), but its shares were not delivered.`,
        then: `remove the slot with "airgap-ca vault remove-slot ${slot.id}" and add the quorum again`,
      });
      return { slot, shareFiles: shares, heldShares: null, delivered: null };
    }
    const held = new HeldShares(v.id, slot.id, input.threshold, input.total, shareFiles, input.holders);
    ctx.custodianShares.holdShares(held);
    return { slot, shareFiles: [], heldShares: held.view(), delivered: null };
  },

  'vault.heldShares': (_i, ctx) => ctx.custodianShares.heldShares?.view() ?? null,

  'vault.writeShare': (input, ctx) => {
    const held = ctx.custodianShares.heldShares;
    if (!held) throw new DomainError('NO_HELD_SHARES', 'No custodian shares are waiting to be written: they are held only from the quorum\'s creation until its delivery ends or the vault locks. Add a new quorum slot to make new shares.');
    const { file } = held.write(ctx.vault, ctx.actor, input.index, input.dir);
    return { file, held: held.view() };
  },

  'vault.releaseShares': (_i, ctx) => {
    const held = ctx.custodianShares.takeHeldShares();
    if (!held) throw new DomainError('NO_HELD_SHARES', 'No custodian shares are waiting to be written; there is nothing to end.');
    return held.release(ctx.vault, ctx.actor, 'the officer ended the delivery');
  },

  'vault.emergencyWitnessShares': async (input, ctx) => {
    const v = ctx.vault;
    const before = ctx.settings().emergencyWitnessShares;
    if (input.required) {
      if (input.witnessShares) throw new DomainError('INVALID_INPUT', 'Turning the rule on needs no shares: give them when the rule is turned off again. Nothing was changed.');
      if (quorumSlots(v).length === 0) {
        throw new DomainError('INVALID_INPUT', "This vault has no custodian quorum slot, so no share could witness an emergency rotation: add one first (\"vault add-quorum\"). Nothing was changed.");
      }
      if (before) return { required: true, witnessShares: null };
      v.transaction(() => {
        ctx.stores.settings.put([['emergencyWitnessShares', 'true']]);
        v.audit.append({ actor: ctx.actor, action: 'settings.updated', details: { emergencyWitnessShares: { from: false, to: true } } });
      });
      return { required: true, witnessShares: null };
    }
    if (!before) {
      if (input.witnessShares) throw new DomainError('INVALID_INPUT', 'The rule is already off: no shares are needed. Nothing was changed.');
      return { required: false, witnessShares: null };
    }
    if (!input.witnessShares) {
      throw new DomainError('WITNESS_SHARES_REQUIRED', "Turning off the rule that emergency rotations need the custodians' shares needs those shares too (--witness-share FILE, once per share): one officer alone cannot drop it. Nothing was changed.");
    }
    const proof = await proveWitnesses(v, input.witnessShares);
    v.transaction(() => {
      ctx.stores.settings.put([['emergencyWitnessShares', 'false']]);
      v.audit.append({ actor: ctx.actor, action: 'settings.updated', details: { emergencyWitnessShares: { from: true, to: false }, witnessShares: proof } });
    });
    return { required: false, witnessShares: proof };
  },

  'vault.presentWitnessShare': (input, ctx) => ctx.custodianShares.witnessShares.present(ctx.vault, input.dir),
  'vault.witnessShares': (_i, ctx) => ctx.custodianShares.witnessShares.view(),
  'vault.dropWitnessShares': (_i, ctx) => {
    ctx.custodianShares.witnessShares.clear();
    return null;
  },

  'vault.removeSlot': async (input, ctx) => {
    refuseRemovingLastQuorum(ctx.vault, input.slotId, ctx.settings().emergencyWitnessShares);
    await ctx.vault.removeSlot({ slotId: input.slotId, actor: ctx.actor });
    return info(ctx.vaultDir, vaultCounts(ctx.vault));
  },

  'vault.backup': (input, ctx) => {
    const r = writeBackup(ctx.vault, input.out, { actor: ctx.actor, clock: ctx.clock });
    return { file: r.file, bytes: r.bytes };
  },

  'vault.restore': async (input, ctx) => {
    await refuseRemovable(ctx);
    const vault = await throttled(ctx.session, () =>
      restoreBackup({ file: input.from, dir: ctx.vaultDir, credentials: credentialsOf(input.credentials), clock: ctx.clock, actor: input.actor }),
    );
    let checkpoint: { source: string; seq: number; status: 'contains' | 'behind' | 'differs' } | null = null;
    if (input.checkpoint !== undefined) {
      try {
        const keys = new SigningKeyStore(vault);
        const cp = await readCheckpoint(resolve(input.checkpoint), vault.id, (keyId) => keys.get(keyId));
        checkpoint = { source: cp.source, seq: cp.head.seq, status: vault.audit.compareCheckpoint(cp.head).status };
      } catch (e) {
        discardRestored(vault);
        throw e;
      }
      if (checkpoint.status !== 'contains') {
        if (!input.acceptRollback) {
          const head = vault.audit.head();
          discardRestored(vault);
          throw new DomainError(
            'CHECKPOINT_BEHIND',
            checkpoint.status === 'behind'
              ? `The backup ends at audit event ${head?.seq ?? 0}, behind the checkpoint in ${checkpoint.source} (event ${checkpoint.seq}): restoring it would undo what happened since (revocations, rotations). Nothing was restored. Use a newer backup, or give --accept-rollback --reason TEXT to restore it anyway.`
              : `The backup's audit history differs from the checkpoint in ${checkpoint.source} at event ${checkpoint.seq}: the backup is older than the checkpoint (and events were written after it was taken) or the history was rewritten. Nothing was restored. Use a newer backup, or give --accept-rollback --reason TEXT to restore it anyway.`,
          );
        }
        vault.transaction(() => vault.audit.append({ actor: input.actor, action: 'vault.rollback-accepted', details: { checkpoint: checkpoint, reason: input.acceptRollback!.reason } }));
      }
    }
    ctx.session.attach(vault, input.actor);
    return { vaultId: vault.id, dir: vault.dir, auditHead: vault.audit.head(), checkpoint };
  },
};
