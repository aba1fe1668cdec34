import { Command, Option } from 'commander';
import { CEREMONY_KIT_KINDS, KIT_PAPER_SIZES, type CeremonyKitKind, type KitFingerprint } from '../../api/contract/ceremony.ts';
import type { Action } from '../context.ts';

const ROLE_LABELS: Record<KitFingerprint['role'], string> = {
  'new-sub-ca': 'New sub-CA key',
  'new-root': 'New root key',
  'root-certificate': 'New root certificate',
  out: 'OUT (compromised)',
  in: 'IN (the new key)',
  'corporate-root': 'Corporate root certificate',
};

/** "sha256:" and the 64 hex digits in groups of four, as the sheet prints them. */
function grouped(fingerprint: string): string {
  return `sha256:${(fingerprint.replace(/^sha256:/, '').match(/.{1,4}/g) ?? []).join(' ')}`;
}

export function ceremonyCommand(action: Action): Command {
  const ceremony = new Command('ceremony').description('ceremonies: the printed kit');

  ceremony
    .command('kit')
    .description('write the printed ceremony kit (one self-contained HTML sheet: steps, fingerprints in groups and PGP words, audit head, signature lines); recorded in the audit log first')
    .addOption(new Option('--ceremony <KIND>', 'the ceremony').choices(CEREMONY_KIT_KINDS).makeOptionMandatory())
    .requiredOption('--key <KEY>', "the ceremony's new key (emergency: the key that replaces the active one)")
    .option('--out <FILE>', 'the HTML file (never overwritten)')
    .option('--to <DIR>', 'a folder (e.g. on the medium) to write it into under its own name')
    .addOption(new Option('--paper <SIZE>', 'the paper it is printed on').choices(KIT_PAPER_SIZES).default('a4'))
    .option('--time-zone <ZONE>', 'the local time zone printed next to UTC (IANA name; default the system one)')
    .action(
      action(async (ctx, opts: { ceremony: CeremonyKitKind; key: string; out?: string; to?: string; paper: 'a4' | 'letter'; timeZone?: string }) => {
        await ctx.unlock();
        const r = await ctx.call('ceremony.kit', { ceremony: opts.ceremony, key: opts.key, witnesses: ctx.witnesses, out: opts.out, to: opts.to, paper: opts.paper, timeZone: opts.timeZone });
        const text = [
          `Ceremony kit written to ${r.file} (SHA-256 ${r.sha256}); recorded as audit event ${r.event.seq} (ceremony.kit-written).`,
          `It prints the audit head ${r.auditHead ? `event ${r.auditHead.seq}, ${r.auditHead.hash}` : '(empty log)'} and vault ${r.vaultId}.`,
          ...r.fingerprints.flatMap((f) => [`${ROLE_LABELS[f.role]}: ${f.name} (${grouped(f.fingerprint)})`, `  ${f.words.join(' ')}`]),
          'Print it, tick each step, compare every fingerprint with the screen, and sign.',
        ].join('\n');
        return { json: r, text };
      }),
    );

  return ceremony;
}
