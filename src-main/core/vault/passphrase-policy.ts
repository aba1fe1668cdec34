import { DomainError } from '../errors.ts';

export const MIN_PASSPHRASE_LENGTH = 12;

/** Refuses passphrases too weak to protect the CA's keys; counts characters, not bytes. */
export function checkPassphrasePolicy(passphrase: string): void {
  const length = [...passphrase.normalize('NFC')].length;
  if (passphrase.trim().length === 0) {
    throw new DomainError('WEAK_PASSPHRASE', 'The passphrase is empty. Choose one of at least 12 characters.');
  }
  if (length < MIN_PASSPHRASE_LENGTH) {
    throw new DomainError(
      'WEAK_PASSPHRASE',
      `The passphrase has ${length} characters; at least ${MIN_PASSPHRASE_LENGTH} are required. A few random words make a strong, memorable one.`,
    );
  }
}
