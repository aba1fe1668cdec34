import { useCallback, useState } from 'react';
import type { ErrorCode, OpInput } from '../../../../src-main/api/contract.ts';

/** Where a new key's private half lives: wrapped in the vault file, or generated on a PKCS#11 token (chosen by serial). */
export type KeyLocation = { kind: 'vault' } | { kind: 'token'; label: string; serial: string };

export const IN_THE_VAULT: KeyLocation = { kind: 'vault' };

type TokenCode = Extract<ErrorCode, `TOKEN_${string}`>;

const PIN_REFUSED = { title: 'The token refused the PIN', text: 'Go back, type the token’s user PIN again and press Next. After a few wrong tries the token locks its PIN.' };

/**
 * What each token refusal means for the officer at the workstation, and
 * what to do: the api's own messages name CLI sources (a PIN file,
 * environment variables) that the desktop app does not use. Keyed by every
 * TOKEN_ code of the contract, so a new one cannot be left without words.
 */
const TOKEN_TEXT: Record<TokenCode, { title: string; text: string }> = {
  TOKEN_MODULE_MISSING: { title: 'No token software is set up', text: 'The vault has no PKCS#11 module, or the module file cannot be loaded. An administrator sets its path once on this workstation ("airgap-ca token module PATH"). Until then, keep the key in the vault.' },
  TOKEN_NOT_PRESENT: { title: 'The token is not plugged in', text: 'Insert the token, press "Look for tokens again", choose it and enter its PIN.' },
  TOKEN_AMBIGUOUS: { title: 'More than one token matches', text: 'Remove the tokens you do not mean to use, look for tokens again and choose the one by its serial number.' },
  TOKEN_PIN_REQUIRED: PIN_REFUSED,
  TOKEN_PIN_INCORRECT: PIN_REFUSED,
  TOKEN_PIN_LOCKED: { title: 'The token’s PIN is locked', text: 'Too many wrong PINs were entered. The token’s security officer must unlock it (with the SO PIN) before it can be used; nothing was created.' },
  TOKEN_MECHANISM_UNSUPPORTED: { title: 'This token cannot make this kind of key', text: 'Go back and choose another algorithm (ECDSA P-256 works on most tokens), or keep the key in the vault.' },
  TOKEN_KEY_MISSING: { title: 'The key is no longer on the token', text: 'Someone removed it from the token, or a different token is plugged in. Insert the token the key was made on.' },
  TOKEN_KEY_EXTRACTABLE: { title: 'The key on the token could be copied off it', text: 'The token marks this key as extractable, so the vault will not use it. Make the key on the token with this wizard instead.' },
  TOKEN_KEY_ORPHANED: { title: 'An unused key pair was left on the token', text: 'The vault did not record the new key, and the token would not remove the key pair it had just made. Nothing changed in the vault. Have the token’s administrator delete the unused pair labelled “airgap-ca …” with this key’s name (both objects), then try again.' },
  TOKEN_ERROR: { title: 'The token did not answer as expected', text: 'Remove and insert the token, then try again. If it keeps failing, keep the key in the vault and report the token.' },
};

/** The codes a token can answer with; the key wizards show these in their own words, not the CLI's. */
export const TOKEN_CODES = Object.keys(TOKEN_TEXT) as readonly ErrorCode[];

export const isTokenCode = (code: ErrorCode): code is TokenCode => TOKEN_CODES.includes(code);

/**
 * A token refusal (or any other code, as the generic token failure) in
 * officer words. Nothing was created. `retryButton`: the PIN field is on
 * this step, beside that button (the emergency ceremony's new root), not on
 * the step before.
 */
export function tokenRefusalText(code: ErrorCode, retryButton?: string): { title: string; text: string } {
  if (retryButton !== undefined && (code === 'TOKEN_PIN_INCORRECT' || code === 'TOKEN_PIN_REQUIRED')) {
    return { title: PIN_REFUSED.title, text: `Type the token’s user PIN again and press “${retryButton}” again. After a few wrong tries the token locks its PIN.` };
  }
  return isTokenCode(code) ? TOKEN_TEXT[code] : TOKEN_TEXT.TOKEN_ERROR;
}

/** The key.create input for the officer's choices: `token` only when the key goes on one. */
export function keyCreateInput(name: string, algorithm: OpInput<'key.create'>['algorithm'], location: KeyLocation): OpInput<'key.create'> {
  return { name, algorithm, ...(location.kind === 'token' ? { token: { serial: location.serial } } : {}) };
}

/** "On token LABEL (serial …)", as the keys table, the dashboard and the wizards say it. */
export const onTokenText = (t: { label: string; serial: string }): string => `On token ${t.label} (serial ${t.serial})`;

/**
 * A key wizard's token refusal, kept by the step to show in officer words
 * (the step runs its calls with `handles: TOKEN_CODES`): `note` takes each
 * answer, keeping the code of a token refusal and clearing it otherwise.
 */
export function useTokenRefusal(): [ErrorCode | null, (r: { ok: true } | { ok: false; code: ErrorCode }) => void] {
  const [code, setCode] = useState<ErrorCode | null>(null);
  const note = useCallback((r: { ok: true } | { ok: false; code: ErrorCode }) => setCode(!r.ok && isTokenCode(r.code) ? r.code : null), []);
  return [code, note];
}
