/**
 * The requests an officer ticked (cert.issueBatch / cert.renewBatch `files`),
 * re-checked in the main process against the folder read again: each named
 * file must still be there, readable and of the kind the operation signs, with
 * the SHA-256 of the bytes the officer was shown (media.readRequests). Any
 * difference refuses the whole batch before anything is signed; the files not
 * named are left alone, unsigned and unreported. The renderer's rendering is
 * never trusted for what gets signed.
 */
import { DomainError } from '../../core/errors.ts';
import { fileSha256 } from '../../core/issuance/file-sha256.ts';
import type { FolderReadResult } from '../../core/media/untrusted-input.ts';
import type { SigningKeyRecord } from '../../core/store/signing-key-store.ts';

type FolderFile = FolderReadResult['files'][number];

export interface ChosenFile {
  name: string;
  sha256: string;
}

/**
 * The folder's files reduced to the chosen ones (all of them when `chosen` is
 * undefined), in the folder's order. `isKind` says whether a readable file is
 * one this operation signs; `kindHint` what to do with one that is not.
 */
export function chosenRequests(folder: FolderReadResult, chosen: readonly ChosenFile[] | undefined, isKind: (f: Extract<FolderFile, { ok: true }>) => boolean, kindHint: string): FolderFile[] {
  if (chosen === undefined) return folder.files;
  const byName = new Map(folder.files.map((f) => [f.name, f]));
  const again = `Read the requests again and tick them anew. Nothing was issued.`;
  for (const c of chosen) {
    const f = byName.get(c.name);
    if (!f) throw new DomainError('REQUEST_CHANGED', `The request ${c.name} you ticked is no longer in ${folder.dir}. ${again}`);
    if (!f.ok) throw new DomainError('REQUEST_CHANGED', `The request ${c.name} you ticked can no longer be read (${f.code}: ${f.message}). ${again}`);
    if (fileSha256(f.file.bytes) !== c.sha256) throw new DomainError('REQUEST_CHANGED', `The request ${c.name} changed on the medium since it was shown to you: its content is not what you ticked. ${again}`);
    if (!isKind(f)) throw new DomainError('INVALID_INPUT', `${c.name} ${kindHint}. Nothing was issued.`);
  }
  const names = new Set(chosen.map((c) => c.name));
  return folder.files.filter((f) => names.has(f.name));
}

/** The officer was shown `shownKeyId` as the signer: refused when the CA's active key is another one now. */
export function checkSigner(active: Pick<SigningKeyRecord, 'id' | 'name'> | null, shownKeyId: string | undefined): void {
  if (shownKeyId === undefined) return;
  if (active?.id === shownKeyId) return;
  const now = active ? `The active key is now ${active.name} (${active.id})` : 'The CA has no active key now';
  throw new DomainError('SIGNER_CHANGED', `${now}, not the key you were shown as the signer (${shownKeyId}). Read the requests again to see which key signs. Nothing was issued.`);
}
