import { createHash } from 'node:crypto';

/**
 * Lowercase hex SHA-256 of the file's bytes: the name a chosen request is
 * issued by, so a file changed since it was shown is refused. A module of its
 * own so that a batch can check its chosen files without loading the CMS
 * parser of request-preview.ts.
 */
export function fileSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
