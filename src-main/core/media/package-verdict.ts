/**
 * What checking an export package says, CA by CA: declared once here (plain
 * data, Node-free) for the verifier in core and the contract's view of it.
 */

/** The codes a package check ends in: one per kind of tampering a receiver must tell apart. */
export type ExportVerifyCode = 'EXPORT_VERIFY_FAILED' | 'EXPORT_SIGNER_NOT_PINNED' | 'EXPORT_CA_MISSING' | 'EXPORT_FILE_MISPLACED' | 'EXPORT_SIGNER_WRONG_CA';

export interface ExportProblem {
  /** The file at fault, relative to the package folder; null for the package as a whole. */
  file: string | null;
  message: string;
  /** Set for the problems that have a code of their own (a CA dropped, a file of another CA, another CA's signer). */
  code?: ExportVerifyCode;
}

/** The verdict on one CA of the package: its files (under its folder) and its signature over the manifest. */
export interface CaVerdict {
  /** The CA's id and name as the manifest gives them; null in a package of one CA (format version 1 names none). */
  id: string | null;
  name: string | null;
  /** Its folder ('' in a package of one CA: the files are at the top). */
  folder: string;
  signingKeyId: string;
  ok: boolean;
  code: ExportVerifyCode | null;
  /** The problems in this CA's folder and with its signature. */
  problems: ExportProblem[];
  /** Whether this CA's signer had to be one of the receiver's keys (a pin was given and the CA is one of those asked for). */
  pinned: boolean;
}
