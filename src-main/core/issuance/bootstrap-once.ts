/**
 * A bootstrap certificate is issued once per device at enrollment (docs/cli.md, "The bootstrap
 * profile"): while a device has a live (unexpired, unrevoked) bootstrap certificate in the CA,
 * another one for it is refused with BOOTSTRAP_ALREADY_ISSUED, before anything is signed.
 *
 * The same device is the same subject — the bootstrap certificate renews the management
 * certificate of its subject, so two live ones for one subject are two keys that can each renew
 * that device — or any SAN in common: a SAN names the device to the services it authenticates to,
 * so a second live bootstrap certificate carrying it, under whatever subject, claims that device
 * too. DNS names and e-mail addresses compare without case (as they match), IP addresses and URIs
 * as written. An empty subject names no device: such requests are compared by their SANs only.
 */
import { DomainError } from '../errors.ts';

export interface LiveBootstrap {
  readonly serial: string;
  readonly subject: string;
  readonly sans: readonly string[];
  readonly notAfter: string;
}

/** What an earlier request of the same batch claimed: its file, not yet a serial. */
interface Claim {
  readonly serial: string | null;
  readonly file: string | null;
  readonly subject: string;
  readonly notAfter: string | null;
}

export interface BootstrapConflict {
  readonly existing: Claim;
  /** 'subject', or the SAN in common as the request names it. */
  readonly matched: { readonly kind: 'subject' } | { readonly kind: 'san'; readonly san: string };
}

/** A SAN as devices are told apart by it: `DNS:` and `email:` without case. */
export function sanIdentity(san: string): string {
  return /^(DNS|email):/i.test(san) ? san.toLowerCase() : san;
}

/** The live bootstrap certificates of one CA, and what a batch claims as it goes. */
export class BootstrapRegister {
  private readonly bySubject = new Map<string, Claim>();
  private readonly bySan = new Map<string, Claim>();

  constructor(live: readonly LiveBootstrap[]) {
    for (const c of live) this.add({ serial: c.serial, file: null, subject: c.subject, notAfter: c.notAfter }, c.sans);
  }

  private add(claim: Claim, sans: readonly string[]): void {
    if (claim.subject !== '' && !this.bySubject.has(claim.subject)) this.bySubject.set(claim.subject, claim);
    for (const s of sans) if (!this.bySan.has(sanIdentity(s))) this.bySan.set(sanIdentity(s), claim);
  }

  conflict(subject: string, sans: readonly string[]): BootstrapConflict | null {
    const bySubject = subject === '' ? undefined : this.bySubject.get(subject);
    if (bySubject) return { existing: bySubject, matched: { kind: 'subject' } };
    for (const s of sans) {
      const c = this.bySan.get(sanIdentity(s));
      if (c) return { existing: c, matched: { kind: 'san', san: s } };
    }
    return null;
  }

  /** A request of this batch that will be issued: later ones for the same device are refused. */
  claim(file: string, subject: string, sans: readonly string[]): void {
    this.add({ serial: null, file, subject, notAfter: null }, sans);
  }
}

/**
 * The refusal: which certificate the device already has, and what to do. `revoke` is the CLI
 * command that revokes a serial in this CA (with `--ca` where the vault has several).
 */
export function bootstrapRefusal(requested: { subject: string; sans: readonly string[] }, c: BootstrapConflict, ca: string, revoke: (serial: string) => string): DomainError {
  const shown = (subject: string) => (subject === '' ? 'an empty subject' : `the subject "${subject}"`);
  if (c.existing.serial === null) {
    const same = c.matched.kind === 'subject' ? `both name ${shown(requested.subject)}` : `both name ${c.matched.san}`;
    return new DomainError(
      'BOOTSTRAP_ALREADY_ISSUED',
      `A bootstrap certificate is issued once per device, and the request ${c.existing.file} earlier in this batch is for the same device as this one (${same}): only that one is issued. Nothing was issued for this request; remove the duplicate from the folder.`,
    );
  }
  const what =
    c.matched.kind === 'subject'
      ? `"${requested.subject}" already has a live one in CA "${ca}": serial ${c.existing.serial}, valid until ${c.existing.notAfter}`
      : `the live bootstrap certificate ${c.existing.serial} in CA "${ca}" (${shown(c.existing.subject)}, valid until ${c.existing.notAfter}) already names ${c.matched.san}, which this request (${shown(requested.subject)}) names too`;
  const other = c.matched.kind === 'san' ? ' If it is another device, give this one a name of its own.' : '';
  return new DomainError(
    'BOOTSTRAP_ALREADY_ISSUED',
    `A bootstrap certificate is issued once per device at enrollment, and ${what}. Nothing was issued. If the device really is enrolled again, revoke that certificate first (${revoke(c.existing.serial)}), then issue this request again.${other}`,
  );
}
