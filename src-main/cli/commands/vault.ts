import { Command, InvalidArgumentError } from 'commander';
import { DomainError } from '../../core/errors.ts';
import type { HeldSharesView, SharesReleased, SlotInfo } from '../../api/contract.ts';
import { CliFailure, type Action, type CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { lines, table } from '../format.ts';
import { onTerminal, passphraseWithoutPrompt, promptHidden, promptLine, readPassphraseFile } from '../secrets.ts';
import { repeatedFolder } from '../../core/fs/distinct-folders.ts';
import { vaultSettingsCommand } from './vault-settings.ts';

function parseQuorum(v: string): { threshold: number; total: number } {
  const m = /^(\d{1,3})\/(\d{1,3})$/.exec(v);
  if (!m) throw new InvalidArgumentError('write the quorum as K/N, e.g. 2/3');
  return { threshold: Number(m[1]), total: Number(m[2]) };
}

function slotRows(slots: SlotInfo[]): string {
  return table(
    ['SLOT', 'TYPE', 'LABEL', 'DETAIL', 'CREATED'],
    slots.map((s) => [s.id, s.type, s.label, s.type === 'quorum' ? `${s.threshold} of ${s.total} shares` : `argon2id m=${s.kdf?.memoryKiB}KiB t=${s.kdf?.passes} p=${s.kdf?.parallelism}`, s.created]),
  );
}

async function newPassphrase(ctx: CliContext, file: string | undefined): Promise<string> {
  if (file) return readPassphraseFile(file);
  const fromEnv = passphraseWithoutPrompt({ env: ctx.env });
  if (fromEnv !== undefined) return fromEnv;
  const a = await promptHidden('New vault passphrase (at least 12 characters): ');
  const b = await promptHidden('Repeat the passphrase: ');
  if (a !== b) throw new DomainError('INVALID_INPUT', 'The two passphrases differ; nothing was created. Try again.');
  return a;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Where a quorum's shares go: one into each folder given, all into one folder, or each into a folder asked for on the terminal. */
type ShareTargets = { kind: 'each'; dirs: string[] } | { kind: 'together'; dir: string } | { kind: 'ask' } | null;

/**
 * --share-out, --shares-dir and --holder, checked before anything is created or
 * changed: one folder (own medium) per share, distinct; holders one per share
 * or none. Neither folder option: each share's medium is asked for on a
 * terminal, and without one that is refused.
 */
function shareTargets(total: number | undefined, o: { shareOut?: string[]; holder?: string[]; sharesDir?: string }, nothing: string): ShareTargets {
  if (o.shareOut && o.sharesDir) throw new DomainError('INVALID_INPUT', 'Give either --shares-dir DIR (every share into one folder) or one --share-out DIR per share (each share on its own medium), not both.');
  if (total === undefined) {
    if (o.shareOut || o.holder) throw new DomainError('INVALID_INPUT', '--share-out and --holder only go with --quorum K/N.');
    return null;
  }
  if (o.shareOut && o.shareOut.length !== total) throw new DomainError('INVALID_INPUT', `${o.shareOut.length} --share-out folder${o.shareOut.length === 1 ? '' : 's'} given for ${total} shares. Give one --share-out DIR per share, each on its own medium. ${nothing}`);
  const twice = o.shareOut ? repeatedFolder(o.shareOut) : null;
  if (twice) throw new DomainError('SHARES_TOGETHER', `--share-out ${twice.dir} is given for share ${twice.first} and share ${twice.again}. Each share goes to its own medium: give a different folder for each. ${nothing}`);
  if (o.holder && o.holder.length !== total) throw new DomainError('INVALID_INPUT', `${o.holder.length} --holder name${o.holder.length === 1 ? '' : 's'} given for ${total} shares. Name one holder per share (in the order of the shares), or none. ${nothing}`);
  if (o.shareOut) return { kind: 'each', dirs: o.shareOut };
  if (o.sharesDir !== undefined) return { kind: 'together', dir: o.sharesDir };
  if (!onTerminal()) {
    throw new DomainError(
      'INVALID_INPUT',
      `--quorum needs one --share-out DIR per share (${total}: each share on its own medium) or --shares-dir DIR (all in one folder). Without either, a terminal asks for each share's medium in turn, and there is no terminal here. ${nothing}`,
    );
  }
  return { kind: 'ask' };
}

function shareLabel(s: { index: number; holder: string | null }, total: number): string {
  return `share ${s.index} of ${total}${s.holder ? ` (holder ${s.holder})` : ''}`;
}

/** Refusals of the folder, not of the share: it is still held, so another medium can be tried. */
const TRY_ANOTHER_MEDIUM: ReadonlySet<string> = new Set(['SHARES_TOGETHER', 'OUTPUT_EXISTS', 'SHARE_VERIFY_FAILED', 'DISK_FULL', 'READ_ONLY', 'MEDIA_REMOVED', 'IO_ERROR']);

/**
 * Asks for share s's folder until it is written; a folder that cannot take it
 * (another share there, full, read-only, failing) is said and asked again.
 * Returns why it stopped otherwise: no answer, or a failure that is not the medium's.
 */
async function askAndWrite(ctx: CliContext, s: { index: number; holder: string | null }, total: number): Promise<string | null> {
  const who = shareLabel(s, total);
  for (;;) {
    const answer = await promptLine(`Insert the medium for ${who}. Folder on it: `);
    if (answer === null) return `the officer stopped at ${who} (Ctrl-C or end of input).`;
    const dir = answer.trim();
    if (dir === '') return `no folder was given for ${who} (the officer stopped).`;
    try {
      const { file } = await ctx.call('vault.writeShare', { index: s.index, dir });
      process.stderr.write(`${who[0]!.toUpperCase()}${who.slice(1)} written to ${file} and read back. Eject this medium now (airgap-ca media eject --path MOUNT-POINT, or the desktop's Eject), remove it and hand it to ${s.holder ?? 'its custodian'}; keep it apart from the others.\n`);
      return null;
    } catch (e) {
      if (!(e instanceof CliFailure)) throw e;
      if (!TRY_ANOTHER_MEDIUM.has(e.code)) return `${e.code}: ${e.message}`;
      process.stderr.write(`${e.code}: ${e.message}\nThe share is still held: give another folder (another medium), or press Enter to stop.\n`);
    }
  }
}

/** Writes each held share to its folder (given, or asked for on the terminal), each verified; then ends the delivery and says what any share not written means. */
async function deliverShares(ctx: CliContext, held: HeldSharesView, to: { kind: 'each'; dirs: string[] } | { kind: 'ask' }): Promise<{ released: SharesReleased; failure: string | null }> {
  let failure: string | null = null;
  for (const s of held.shares) {
    if (to.kind === 'ask') {
      failure = await askAndWrite(ctx, s, held.total);
      if (failure !== null) break;
      continue;
    }
    try {
      await ctx.call('vault.writeShare', { index: s.index, dir: to.dirs[s.index - 1]! });
    } catch (e) {
      if (!(e instanceof CliFailure)) throw e;
      failure = `${e.code}: ${e.message}`;
      break;
    }
  }
  const released = await ctx.call('vault.releaseShares', {});
  return { released, failure };
}

function deliveryText(d: { released: SharesReleased; failure: string | null }): string[] {
  const total = d.released.total;
  return [
    'Custodian shares, each on its own medium (written and read back):',
    ...d.released.shares.map((s) => `  ${shareLabel(s, total)}: ${s.written ? s.file : 'NOT WRITTEN'}`),
    ...(d.failure ? [`Stopped at the first share that could not be written: ${d.failure}`] : []),
    d.released.meaning,
    ...(d.released.discarded.length === 0 ? ['Eject each medium and hand it to its holder; keep the media apart.'] : []),
  ];
}

/** The shares of a new quorum slot, delivered as `to` says (one folder each, or asked for), or null when they went into one folder. */
async function deliverHeld(ctx: CliContext, held: HeldSharesView | null, to: ShareTargets): Promise<{ released: SharesReleased; failure: string | null } | null> {
  if (!held || to === null || to.kind === 'together') return null;
  return deliverShares(ctx, held, to);
}

/** Said after every change that revokes a credential: a backup carries the header of its day. */
const REKEYED_NOTE = 'The vault has a new key (database re-encrypted, private keys wrapped again):';
const OLD_BACKUPS_NOTE = 'Backups made before this change still open with the old credentials: destroy them or keep them as safe as the old passphrase or shares.';

export function vaultCommand(action: Action): Command {
  const vault = new Command('vault').description('create, inspect, verify, back up and restore the encrypted vault');

  vault
    .command('init')
    .description('create a vault (passphrase from --passphrase-file, AIRGAP_CA_PASSPHRASE or a prompt)')
    .option('--quorum <K/N>', 'split the vault key among N custodians, any K of whom unlock it (no passphrase slot unless --also-passphrase)', parseQuorum)
    .option('--share-out <DIR>', 'with --quorum: the folder on the medium for one share; repeat once per share, in order (share 1 first). Without it or --shares-dir, a terminal asks for each medium in turn', collect)
    .option('--holder <NAME>', 'with --quorum: who receives a share; repeat once per share, in the order of the shares (named in the audit log)', collect)
    .option('--shares-dir <DIR>', 'with --quorum: write all N share files into this one folder instead (move them apart yourself)')
    .option('--also-passphrase', 'with --quorum: add a passphrase slot too, so one passphrase alone also opens the vault')
    .action(
      action(async (ctx, opts: { quorum?: { threshold: number; total: number }; sharesDir?: string; shareOut?: string[]; holder?: string[]; alsoPassphrase?: boolean }) => {
        const to = shareTargets(opts.quorum?.total, opts, 'Nothing was created.');
        if (opts.alsoPassphrase && !opts.quorum) throw new DomainError('INVALID_INPUT', '--also-passphrase only goes with --quorum (a vault without a quorum always has a passphrase slot).');
        // A quorum vault has no passphrase slot unless asked for explicitly: a passphrase
        // lying in the environment must not quietly undo the k-of-n the custodians rely on.
        const passphrase = opts.quorum && !opts.alsoPassphrase ? undefined : await newPassphrase(ctx, ctx.opts.passphraseFile);
        const r = await ctx.call('vault.create', {
          actor: ctx.actor,
          passphrase,
          quorum: opts.quorum ? { ...opts.quorum, ...(opts.sharesDir !== undefined ? { sharesDir: opts.sharesDir } : {}), ...(opts.holder ? { holders: opts.holder } : {}) } : undefined,
        });
        const delivered = await deliverHeld(ctx, r.heldShares, to);
        const text = [
          `Vault ${r.vaultId} created in ${ctx.service.session.vaultDir}.`,
          'Key slots:',
          ...r.slots.map((s) => `  ${s.id}  ${s.type === 'quorum' ? `custodian quorum, ${s.threshold} of ${s.total} shares` : 'passphrase'}`),
          ...(r.shareFiles.length ? ['Custodian share files, all in one folder (move each to its own medium for its custodian, then delete them here):', ...r.shareFiles.map((f) => `  ${f}`)] : []),
          ...(delivered ? deliveryText(delivered) : []),
        ].join('\n');
        const shareFiles = delivered ? delivered.released.shares.flatMap((s) => (s.file ? [s.file] : [])) : r.shareFiles;
        return {
          json: { vaultId: r.vaultId, dir: ctx.service.session.vaultDir, slots: r.slots, shareFiles, ...(delivered ? { shares: delivered.released } : {}) },
          text,
          ...(delivered?.released.discarded.length ? { exitCode: EXIT.failed } : {}),
        };
      }),
    );

  vault
    .command('info')
    .description('id, created, format version, key slots; counts too when credentials are given')
    .action(
      action(async (ctx) => {
        const canUnlock = Boolean(ctx.opts.share?.length) || passphraseWithoutPrompt({ passphraseFile: ctx.opts.passphraseFile, env: ctx.env }) !== undefined;
        const before = await ctx.call('vault.info', {});
        if (!before.exists) throw new DomainError('VAULT_NOT_FOUND', `There is no vault in ${before.dir}. Create one with "vault init", or point --vault at the vault folder.`);
        if (canUnlock) await ctx.unlock();
        const i = canUnlock ? await ctx.call('vault.info', {}) : before;
        const text = [
          lines([
            ['Vault', i.vaultId],
            ['Folder', i.dir],
            ['Created', i.created],
            ['Format version', i.formatVersion],
            ['Key slots', i.slots.length],
            ['Signing keys', i.counts?.keys ?? '(unlock to count)'],
            ['Certificates', i.counts?.certificates ?? '(unlock to count)'],
            ['Audit events', i.counts?.auditEvents ?? '(unlock to count)'],
          ]),
          '',
          slotRows(i.slots),
        ].join('\n');
        return { json: i, text };
      }),
    );

  vault
    .command('verify')
    .description('SQLite integrity check and audit chain; exit 1 on any fault')
    .action(
      action(async (ctx) => {
        await ctx.unlock();
        const r = await ctx.call('vault.verify', {});
        const text = r.ok
          ? `Vault OK: integrity check passed, audit chain of ${r.audit.count} events verifies.`
          : [
              'Vault FAULTY:',
              ...r.integrity.map((p) => `  integrity: ${p}`),
              ...(r.audit.ok ? [] : [`  audit chain broken at event ${r.audit.brokenAt}: ${r.audit.reason}`]),
            ].join('\n');
        return { json: r, text, exitCode: r.ok ? EXIT.ok : EXIT.failed };
      }),
    );

  vault
    .command('change-passphrase')
    .description('replace the passphrase that unlocked (every other slot keeps working)')
    .requiredOption('--new-passphrase-file <FILE>', 'file holding the new passphrase')
    .action(
      action(async (ctx, opts: { newPassphraseFile: string }) => {
        await ctx.unlock();
        const slot = await ctx.call('vault.changePassphrase', { newPassphrase: readPassphraseFile(opts.newPassphraseFile) });
        return {
          json: { slot },
          text: `Passphrase changed (slot ${slot.id}). ${REKEYED_NOTE} the old passphrase, with any copy of the old header, opens nothing of the vault. Every other key slot keeps working. ${OLD_BACKUPS_NOTE}`,
        };
      }),
    );

  vault
    .command('add-passphrase')
    .description('add another passphrase slot')
    .requiredOption('--new-passphrase-file <FILE>', 'file holding the additional passphrase')
    .option('--label <TEXT>', 'what this slot is for', 'passphrase')
    .action(
      action(async (ctx, opts: { newPassphraseFile: string; label: string }) => {
        await ctx.unlock();
        const slot = await ctx.call('vault.addPassphraseSlot', { passphrase: readPassphraseFile(opts.newPassphraseFile), label: opts.label });
        return { json: { slot }, text: `Passphrase slot ${slot.id} added.` };
      }),
    );

  vault
    .command('add-quorum')
    .description('add a custodian quorum slot (K of N shares)')
    .requiredOption('--quorum <K/N>', 'K of N custodians', parseQuorum)
    .option('--share-out <DIR>', 'the folder on the medium for one share; repeat once per share, in order (share 1 first). Without it or --shares-dir, a terminal asks for each medium in turn', collect)
    .option('--holder <NAME>', 'who receives a share; repeat once per share, in the order of the shares (named in the audit log)', collect)
    .option('--shares-dir <DIR>', 'write all N share files into this one folder instead')
    .option('--replace <SLOT>', 'the slot the new quorum replaces (the vault then gets a new key; every share is written and read back before that commits)')
    .action(
      action(async (ctx, opts: { quorum: { threshold: number; total: number }; sharesDir?: string; shareOut?: string[]; holder?: string[]; replace?: string }) => {
        const nothing = 'Nothing was changed.';
        if (opts.replace !== undefined && !opts.shareOut && opts.sharesDir === undefined) {
          throw new DomainError(
            'INVALID_INPUT',
            `--replace writes every new share before the change commits, so it cannot ask for the media one at a time: give one --share-out DIR per share (each on its own medium, all inserted), or --shares-dir DIR. ${nothing}`,
          );
        }
        const to = shareTargets(opts.quorum.total, opts, nothing);
        await ctx.unlock();
        const r = await ctx.call('vault.addQuorumSlot', {
          ...opts.quorum,
          ...(opts.sharesDir !== undefined ? { sharesDir: opts.sharesDir } : {}),
          ...(opts.holder ? { holders: opts.holder } : {}),
          ...(opts.replace !== undefined ? { replaceSlot: opts.replace, ...(opts.shareOut ? { shareDirs: opts.shareOut } : {}) } : {}),
        });
        const delivered = r.delivered ? { released: r.delivered, failure: null } : await deliverHeld(ctx, r.heldShares, to);
        const replaced = opts.replace === undefined ? '' : ` It replaces slot ${opts.replace}. ${REKEYED_NOTE} the replaced slot's shares open nothing of the vault. ${OLD_BACKUPS_NOTE}`;
        const text = [
          `Quorum slot ${r.slot.id} added (${r.slot.threshold} of ${r.slot.total}).${replaced}`,
          ...(r.shareFiles.length && !delivered ? ['Share files, all in one folder (move each to its own medium for its custodian, then delete them here):', ...r.shareFiles.map((f) => `  ${f}`)] : []),
          ...(delivered ? deliveryText(delivered) : []),
        ].join('\n');
        const shareFiles = delivered ? delivered.released.shares.flatMap((s) => (s.file ? [s.file] : [])) : r.shareFiles;
        return {
          json: { slot: r.slot, shareFiles, ...(delivered ? { shares: delivered.released } : {}) },
          text,
          ...(delivered?.released.discarded.length ? { exitCode: EXIT.failed } : {}),
        };
      }),
    );

  vault
    .command('remove-slot')
    .description('remove a key slot (never the last one)')
    .argument('<SLOT>', 'slot id from "vault info"')
    .action(
      action(async (ctx, slotId: string) => {
        await ctx.unlock();
        const i = await ctx.call('vault.removeSlot', { slotId });
        return { json: i, text: `Slot ${slotId} removed. ${REKEYED_NOTE} that slot's passphrase or shares open nothing of the vault. ${OLD_BACKUPS_NOTE}\n\n${slotRows(i.slots)}` };
      }),
    );

  vault
    .command('emergency-witnesses')
    .description("whether an emergency rotation needs k custodian shares as the witnesses' proof (turning it off needs the shares too)")
    .option('--require', 'emergency rotations need the shares (the vault needs a quorum slot)')
    .option('--optional', 'emergency rotations may go without them; needs k shares (--witness-share)')
    .option('--witness-share <FILE>', "with --optional: a custodian's share of the vault's quorum; repeat once per share", collect)
    .action(
      action(async (ctx, opts: { require?: boolean; optional?: boolean; witnessShare?: string[] }) => {
        if (Boolean(opts.require) === Boolean(opts.optional)) throw new DomainError('INVALID_INPUT', 'Give exactly one of --require and --optional. Nothing was changed.');
        await ctx.unlock();
        const r = await ctx.call('vault.emergencyWitnessShares', { required: Boolean(opts.require), witnessShares: ctx.witnessShareInputs(opts.witnessShare) });
        const text = r.required
          ? "Emergency rotations now need k custodian shares of the vault's quorum as the witnesses' proof (key activate --emergency --witness-share FILE…)."
          : `Emergency rotations may go without custodian shares.${r.witnessShares ? ` Turned off with ${r.witnessShares.shares.length} shares of quorum slot ${r.witnessShares.slotId}: ${r.witnessShares.shares.map((s) => `share ${s.index} (${s.holder === null ? 'holder not recorded' : `held by ${s.holder}`})`).join(', ')}.` : ''}`;
        return { json: r, text };
      }),
    );

  vault.addCommand(vaultSettingsCommand(action));

  vault
    .command('backup')
    .description('write one encrypted backup file')
    .requiredOption('--out <FILE>', 'the backup file (never overwritten)')
    .action(
      action(async (ctx, opts: { out: string }) => {
        await ctx.unlock();
        const r = await ctx.call('vault.backup', { out: opts.out });
        return { json: r, text: `Backup written: ${r.file} (${r.bytes} bytes). It opens with the same passphrase or shares as the vault.` };
      }),
    );

  vault
    .command('restore')
    .description('restore a backup into --vault DIR (which must not exist yet)')
    .requiredOption('--from <FILE>', 'the backup file')
    .option('--checkpoint <PATH>', 'an export package folder of this vault or a checkpoint file (audit checkpoint --out): refuse a backup behind its audit head')
    .option('--accept-rollback', 'restore a backup behind the checkpoint anyway (needs --reason; audited)')
    .option('--reason <TEXT>', 'why the rollback is accepted')
    .action(
      action(async (ctx, opts: { from: string; checkpoint?: string; acceptRollback?: boolean; reason?: string }) => {
        if (opts.acceptRollback && !opts.reason) throw new DomainError('INVALID_INPUT', '--accept-rollback needs --reason TEXT: the audit log records why the rollback was accepted.');
        if (opts.acceptRollback && !opts.checkpoint) throw new DomainError('INVALID_INPUT', '--accept-rollback only makes sense with --checkpoint PATH.');
        const r = await ctx.call('vault.restore', {
          from: opts.from,
          actor: ctx.actor,
          credentials: await ctx.credentials(),
          checkpoint: opts.checkpoint,
          acceptRollback: opts.acceptRollback && opts.reason ? { reason: opts.reason } : undefined,
        });
        const head = r.auditHead ? `Restored audit head: event ${r.auditHead.seq}, ${r.auditHead.hash}.` : 'Restored audit head: no events.';
        const cp = r.checkpoint ? `\nCheckpoint ${r.checkpoint.source} (event ${r.checkpoint.seq}): ${r.checkpoint.status === 'contains' ? 'contained' : `${r.checkpoint.status}, rollback accepted and audited`}.` : '';
        return { json: r, text: `Vault ${r.vaultId} restored into ${r.dir}; integrity and audit chain verified.\n${head}${cp}` };
      }),
    );

  return vault;
}
