import { Command } from 'commander';
import { formatBytes } from '../../core/media/media-errors.ts';
import type { OpResult } from '../../api/contract.ts';
import type { Action } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { lines, table } from '../format.ts';
import { showProgress } from '../progress.ts';
import { int } from '../options.ts';

export function exportCommand(action: Action): Command {
  const exp = new Command('export').description('distribution packages on removable media');

  exp
    .command('media')
    .description('write a signed package (trust bundle, trust anchor, CRLs of every CA, or of those named with --ca) to a medium')
    .requiredOption('--to <DIR>', 'the mounted medium (see "media list")')
    .action(
      action(async (ctx, opts: { to: string }) => {
        await ctx.unlock();
        const done = showProgress(ctx, 'exporting');
        const r = await ctx.call('export.media', { to: opts.to, cas: ctx.cas.length ? ctx.cas : undefined }).finally(done);
        const text = [
          `Package written and read back: ${r.dir}`,
          lines([
            ['Manifest SHA-256', r.manifestSha256],
            ...(r.formatVersion === 1
              ? ([['Signed by', r.signingKeyId]] as Array<[string, string]>)
              : r.cas.map((c): [string, string] => [`CA ${c.name}`, `${c.folder}/, signed by ${c.signingKeyId}`])),
            ['Files', `${r.files.length} (${formatBytes(r.totalBytes)})`],
            ['CRLs', r.crls.map((c) => `#${c.number}${c.regenerated ? ' (new)' : ''}`).join(', ') || '-'],
          ]),
          ...r.cas.filter((c) => c.emergency).map((c) => `The package carries the emergency files of CA "${c.name}" (EMERGENCY.json, the re-issue list and, for a sub-CA, the revocation request).`),
          ...r.skipped.map((s) => `Not in the package: CA "${s.ca}" (${s.reason}).`),
          'Eject the medium before removing it: media eject --path DIR.',
        ].join('\n');
        return { json: r, text };
      }),
    );

  exp
    .command('list')
    .description('the packages written to media that are out in the field (with --all, every one): medium, bundle versions, keys, and which carry a retired or compromised key')
    .option('--all', 'also those marked collected or destroyed')
    .action(
      action(async (ctx, opts: { all?: boolean }) => {
        await ctx.unlock();
        const r = await ctx.call('export.list', { all: opts.all === true ? true : undefined });
        return { json: r, text: circulationText(r) };
      }),
    );

  exp
    .command('collect')
    .description('mark the medium of an export collected (back in the officer\'s hands) or destroyed: it is no longer out in the field (audited)')
    .argument('<NUMBER>', 'the export number (see "export list")', int('NUMBER', 1, Number.MAX_SAFE_INTEGER))
    .option('--destroyed', 'the medium was destroyed, not collected')
    .option('--note <TEXT>', 'a note for the record (who returned it, how it was destroyed)')
    .action(
      action(async (ctx, id: number, opts: { destroyed?: boolean; note?: string }) => {
        await ctx.unlock();
        const r = await ctx.call('export.collect', { id, how: opts.destroyed === true ? 'destroyed' : 'collected', note: opts.note });
        return { json: r, text: `Export ${r.id} (${mediumText(r.medium)}, written ${r.at}) is marked ${r.withdrawn ?? ''} by ${r.withdrawnBy ?? ''}: it no longer counts as out in the field.` };
      }),
    );

  exp
    .command('emergency')
    .description("write the CA's emergency files (EMERGENCY.json, re-issue list, revocation request for a sub-CA) as a signed package of their own")
    .requiredOption('--to <DIR>', 'the mounted medium or folder')
    .action(
      action(async (ctx, opts: { to: string }) => {
        await ctx.unlock();
        const r = await ctx.call('export.emergency', { to: opts.to });
        const text = [
          `Emergency package written and read back: ${r.dir}`,
          lines([
            ['Compromised key', `${r.compromisedKeyId} (retired ${r.compromisedAt})`],
            ['To re-issue', `${r.reissue} certificate${r.reissue === 1 ? '' : 's'} (EMERGENCY-reissue.csv)`],
            ['Revocation request', r.revocationRequest ? 'REVOCATION-REQUEST.txt and .json: send them to the CA that certified the compromised key' : 'none (the compromised key was a root of its own)'],
            ['Signed by', r.signingKeyId],
          ]),
        ].join('\n');
        return { json: r, text };
      }),
    );

  exp
    .command('verify')
    .description('check a package as the receiving side would, every CA in it; exit 1 on any mismatch')
    .argument('<DIR>', 'the package folder')
    .option('--trust-anchor <FILE>', 'a trust-anchor.json this side already trusts: the manifest must be signed by one of its keys')
    .option('--key-id <ID>', 'a key id (sha256:…) the manifest may be signed by (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(
      action(async (ctx, dir: string, opts: { trustAnchor?: string; keyId: string[] }) => {
        const r = await ctx.call('export.verify', { dir, trustAnchor: opts.trustAnchor, keyIds: opts.keyId.length ? opts.keyId : undefined, cas: ctx.cas.length ? ctx.cas : undefined });
        return { json: r, text: verifyText(r), exitCode: r.ok ? EXIT.ok : EXIT.failed };
      }),
    );
  return exp;
}

/** How a medium is named to the officer: its label, else its folder; with its UUID and serial, or "unknown". */
function mediumText(m: OpResult<'export.list'>['exports'][number]['medium']): string {
  const name = m.label !== null ? `"${m.label}"` : `no label, ${m.path}`;
  return `${name}, UUID ${m.uuid ?? 'unknown'}, serial ${m.serial ?? 'unknown'}`;
}

function circulationText(r: OpResult<'export.list'>): string {
  if (r.exports.length === 0) return r.out === 0 ? 'No medium is out in the field: every package written was collected or destroyed (or none was written).' : '';
  const blocks = r.exports.map((e) => {
    const state = e.withdrawn === null ? 'OUT IN THE FIELD' : `${e.withdrawn} ${e.withdrawnAt ?? ''} by ${e.withdrawnBy ?? ''}`;
    return [
      `Export ${e.id}${e.kind === 'emergency' ? ' (emergency files)' : ''}: ${state}`,
      lines([
        ['Written', `${e.at} by ${e.actor}`],
        ['Medium', mediumText(e.medium)],
        ...(e.medium.note ? ([['', e.medium.note]] as Array<[string, string]>) : []),
        ['Folder', e.folder],
        ['Manifest SHA-256', e.manifestSha256],
        ...e.cas.map((c): [string, string] => [`CA ${c.caName}`, `bundle version ${c.bundleVersion ?? 'unknown'}: ${c.keys.map((k) => `${k.name} (${k.id})${k.state === 'retired' ? (k.retiredReason === 'compromise' ? ' COMPROMISED' : ' retired') : ''}`).join(', ') || 'no keys known'}`]),
      ]),
      ...(e.risk === 'compromised' ? [`DANGER: this medium still trusts a compromised key: ${e.untrustedKeys.filter((u) => u.reason === 'compromise').map((u) => `${u.keyName} (${u.keyId})`).join(', ')}. Collect or destroy it (export collect ${e.id}).`] : []),
      ...(e.risk === 'retired' ? [`This medium still trusts a retired key: ${e.untrustedKeys.map((u) => `${u.keyName} (${u.keyId})`).join(', ')}.`] : []),
    ].join('\n');
  });
  return [...blocks, `${r.out} out in the field, ${r.atRisk} of them carrying a retired or compromised key.`].join('\n\n');
}

function verifyText(r: OpResult<'export.verify'>): string {
  if (!r.ok) {
    return [
      `Package FAILED verification (${r.code}):`,
      ...r.problems.map((p) => `  ${p.file ?? '(package)'}: ${p.message}${p.code ? ` [${p.code}]` : ''}`),
      ...(r.formatVersion === 2 ? r.cas.map((c) => `  CA ${c.name}: ${c.ok ? 'OK' : `FAILED (${c.code})`}`) : []),
    ].join('\n');
  }
  const notPinned = "Only the package's own consistency was checked: it names its own signers. Give --trust-anchor FILE or --key-id ID to check who signed it.";
  if (r.formatVersion === 1) {
    return r.pinned
      ? `Package OK: ${r.files} files, hashes and sizes match, manifest signed by ${r.signingKeyId}, one of the keys you trust (created ${r.created}).`
      : `Package consistent: ${r.files} files, hashes and sizes match, manifest signed by ${r.signingKeyId} (created ${r.created}).\n${notPinned}`;
  }
  return [
    `Package ${r.pinned ? 'OK' : 'consistent'}: ${r.cas.length} CAs, ${r.files} files, hashes and sizes match (created ${r.created}).`,
    ...r.cas.map((c) => `  CA ${c.name} (${c.folder}/): signed by ${c.signingKeyId}${c.pinned ? ', one of the keys you trust' : ''}`),
    ...(r.pinned ? [] : [notPinned]),
  ].join('\n');
}

export function mediaCommand(action: Action): Command {
  const media = new Command('media').description('removable volumes');
  media
    .command('list')
    .description('removable volumes: path, label, file system, free space')
    .action(
      action(async (ctx) => {
        const r = await ctx.call('media.list', {});
        const text = [
          r.media.length
            ? table(['PATH', 'LABEL', 'FS', 'FREE', 'SIZE', 'SOURCE'], r.media.map((m) => [m.path, m.label, m.fsType, m.freeBytes === null ? null : formatBytes(m.freeBytes), m.totalBytes === null ? null : formatBytes(m.totalBytes), m.source]))
            : 'No removable media found. Insert and mount a USB stick, or list its folder in AIRGAP_CA_MEDIA_ROOTS.',
          ...r.problems.map((p) => `note: ${p}`),
        ].join('\n');
        return { json: r, text };
      }),
    );
  media
    .command('eject')
    .description('unmount and eject a medium through the platform; refused while something holds it open')
    .requiredOption('--path <DIR>', "the medium's mount point (see \"media list\")")
    .action(
      action(async (ctx, opts: { path: string }) => {
        const r = await ctx.call('media.eject', { path: opts.path });
        const how = r.poweredOff ? 'unmounted and powered off' : 'unmounted';
        return { json: r, text: `Ejected ${r.path}${r.device ? ` (${r.device})` : ''}: ${how} with ${r.method}. It is safe to remove the medium now.` };
      }),
    );
  return media;
}
