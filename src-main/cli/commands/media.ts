import { Command } from 'commander';
import { formatBytes } from '../../core/media/media-errors.ts';
import type { Action } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { lines, table } from '../format.ts';
import { showProgress } from '../progress.ts';

export function exportCommand(action: Action): Command {
  const exp = new Command('export').description('distribution packages on removable media');

  exp
    .command('media')
    .description('write a signed package (trust bundle, trust anchor, CRLs) to a medium')
    .requiredOption('--to <DIR>', 'the mounted medium (see "media list")')
    .action(
      action(async (ctx, opts: { to: string }) => {
        await ctx.unlock();
        const done = showProgress(ctx, 'exporting');
        const r = await ctx.call('export.media', { to: opts.to }).finally(done);
        const text = [
          `Package written and read back: ${r.dir}`,
          lines([
            ['Manifest SHA-256', r.manifestSha256],
            ['Signed by', r.signingKeyId],
            ['Files', `${r.files.length} (${formatBytes(r.totalBytes)})`],
            ['CRLs', r.crls.map((c) => `#${c.number}${c.regenerated ? ' (new)' : ''}`).join(', ') || '-'],
          ]),
          'Eject the medium before removing it: media eject --path DIR.',
        ].join('\n');
        return { json: r, text };
      }),
    );

  exp
    .command('verify')
    .description('check a package as the receiving side would; exit 1 on any mismatch')
    .argument('<DIR>', 'the package folder')
    .option('--trust-anchor <FILE>', 'a trust-anchor.json this side already trusts: the manifest must be signed by one of its keys')
    .option('--key-id <ID>', 'a key id (sha256:…) the manifest may be signed by (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(
      action(async (ctx, dir: string, opts: { trustAnchor?: string; keyId: string[] }) => {
        const r = await ctx.call('export.verify', { dir, trustAnchor: opts.trustAnchor, keyIds: opts.keyId.length ? opts.keyId : undefined });
        const text = r.ok
          ? r.pinned
            ? `Package OK: ${r.files} files, hashes and sizes match, manifest signed by ${r.signingKeyId}, one of the keys you trust (created ${r.created}).`
            : `Package consistent: ${r.files} files, hashes and sizes match, manifest signed by ${r.signingKeyId} (created ${r.created}).\nOnly the package's own consistency was checked: it names its own signer. Give --trust-anchor FILE or --key-id ID to check who signed it.`
          : [`Package FAILED verification (${r.code}):`, ...r.problems.map((p) => `  ${p.file ?? '(package)'}: ${p.message}`)].join('\n');
        return { json: r, text, exitCode: r.ok ? EXIT.ok : EXIT.failed };
      }),
    );
  return exp;
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
