import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DomainError } from '../../core/errors.ts';
import { readUntrustedFileSync } from '../../core/fs/untrusted-read.ts';
import type { fileSource } from '../contract/keys.ts';
import type { z } from 'zod';

export type FileSource = z.output<typeof fileSource>;

/**
 * Reads an input file for a parser that enforces its own size limit: at most
 * maxBytes + 1 bytes are read, so a 50 MB file costs nothing and the parser
 * reports it as too large with its own code. Links, FIFOs, devices and sockets
 * are refused at once (readUntrustedFileSync).
 */
export function readBoundedInput(source: FileSource, maxBytes: number, what: string): { bytes: Uint8Array; name: string } {
  if ('base64' in source) return { bytes: Buffer.from(source.base64, 'base64').subarray(0, maxBytes + 1), name: source.name };
  return { bytes: readUntrustedFileSync(source.path, { maxBytes, truncate: true, what }), name: source.path };
}

/** Pre-write refusal: never overwrite an output (Boulder's ceremony rule). */
export function assertNewFile(path: string): string {
  const out = resolve(path);
  if (existsSync(out)) throw new DomainError('OUTPUT_EXISTS', `${out} already exists. Outputs are never overwritten: choose a new file name.`);
  return out;
}
