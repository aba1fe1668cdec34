import type { KeyView } from '../../../../src-main/api/contract.ts';
import { shown } from '../../components/shown.ts';
import { onTokenText, tokenRefusalText } from '../wizards/key-location.ts';

/** The token's health in officer words: OK, not checked yet (no PIN held), or what is wrong and what to do. */
function tokenStatusText(t: NonNullable<KeyView['token']>): string {
  if (t.status === 'OK') return 'present, the key signs';
  if (t.status === 'UNCHECKED') return 'present; the key’s signature is checked once its PIN is entered';
  const { title, text } = tokenRefusalText(t.status);
  return `${title}. ${text}`;
}

/** Where a key's private half lives: "In the vault", or "On token LABEL (serial …)" and that token's health. */
export function KeyWhere({ k, testId }: { k: KeyView; testId: string }) {
  return <span data-testid={testId}>{k.token ? `${shown(onTokenText(k.token))}: ${tokenStatusText(k.token)}` : 'In the vault (encrypted in the vault file)'}</span>;
}
