import type { CompromiseView, KeyView } from '../../../../src-main/api/contract.ts';

/** One CA's standing as the overview shows it: the worst first, so the officer's eye goes where it is needed. */
export interface CaStanding {
  active: KeyView | null;
  /** Keys still in the trust bundle besides the active one (their trusted window), soonest end first. */
  trusted: KeyView[];
  /** The soonest nextUpdate of the CRLs of the keys in the bundle; null when none was published. */
  nextCrl: { at: string; status: KeyView['crl']['status']; key: KeyView } | null;
  /** Where the CA's rotation stands, in the officer's words, and how bad it is. */
  rotation: { text: string; severity: 'error' | 'warning' | 'info' | 'success' };
}

const STATUS_RANK: Record<KeyView['crl']['status'], number> = { expired: 0, due: 1, none: 2, ok: 3 };

export function caStanding(keys: readonly KeyView[], compromise: CompromiseView | null): CaStanding {
  const active = keys.find((k) => k.state === 'active') ?? null;
  const trusted = keys.filter((k) => k.state === 'trusted').sort((a, b) => (a.trustedUntil ?? '').localeCompare(b.trustedUntil ?? ''));
  let nextCrl: CaStanding['nextCrl'] = null;
  for (const k of [...(active ? [active] : []), ...trusted]) {
    if (!k.crl.nextUpdate) continue;
    const c = { at: k.crl.nextUpdate, status: k.crl.status, key: k };
    if (!nextCrl || STATUS_RANK[c.status] < STATUS_RANK[nextCrl.status] || (STATUS_RANK[c.status] === STATUS_RANK[nextCrl.status] && c.at < nextCrl.at)) nextCrl = c;
  }
  const drafts = keys.filter((k) => k.state === 'draft');
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  let rotation: CaStanding['rotation'];
  if (compromise && !compromise.exported) rotation = { severity: 'error', text: `Emergency rotation not exported: agents still trust the compromised ${compromise.key.name}` };
  else if (!active) rotation = { severity: 'warning', text: drafts.length ? `No active key; ${plural(drafts.length, 'draft')} waiting to be activated` : 'No key yet' };
  else if (trusted.length) rotation = { severity: 'info', text: `Rotating: ${plural(trusted.length, 'previous key')} still trusted` };
  else if (drafts.length) rotation = { severity: 'info', text: `Steady; ${plural(drafts.length, 'draft')} prepared` };
  else rotation = { severity: 'success', text: 'Steady: one active key' };
  return { active, trusted, nextCrl, rotation };
}
