import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { ioError, ioErrorCode, isIoFailure } from './io-errors.ts';

afterAll(removeTempDirs);

function sysError(code: string, errno = -5): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed`), { code, errno, syscall: 'write' });
}

function sqliteError(code: string): Error {
  return Object.assign(new Error('disk I/O error'), { code });
}

describe('I/O failures and their codes', () => {
  const dir = tempDir();
  const file = join(dir, 'out.pem');

  it.each([
    ['ENOSPC', 'DISK_FULL'],
    ['EDQUOT', 'DISK_FULL'],
    ['EROFS', 'READ_ONLY'],
    ['EIO', 'IO_ERROR'],
    ['ENODEV', 'MEDIA_REMOVED'],
    ['ENOTCONN', 'MEDIA_REMOVED'],
    ['ENOENT', 'IO_ERROR'],
  ])('%s on a file in an existing folder is %s', (errno, code) => {
    expect(isIoFailure(sysError(errno))).toBe(true);
    expect(ioErrorCode(sysError(errno), file)).toBe(code);
  });

  it('ENOENT for a file whose folder has gone (a mount point emptied) is MEDIA_REMOVED', () => {
    const gone = join(dir, 'usb', 'sub', 'leaf.pem');
    expect(ioErrorCode(sysError('ENOENT'), gone)).toBe('MEDIA_REMOVED');
    mkdirSync(join(dir, 'usb', 'sub'), { recursive: true });
    expect(ioErrorCode(sysError('ENOENT'), gone)).toBe('IO_ERROR');
  });

  it.each([
    ['SQLITE_IOERR_FSYNC', 'IO_ERROR'],
    ['SQLITE_IOERR_WRITE', 'IO_ERROR'],
    ['SQLITE_FULL', 'DISK_FULL'],
    ['SQLITE_READONLY', 'READ_ONLY'],
  ])('SQLite %s is %s', (sqlite, code) => {
    expect(isIoFailure(sqliteError(sqlite))).toBe(true);
    expect(ioErrorCode(sqliteError(sqlite), file)).toBe(code);
  });

  it('a refusal of ours, a constraint violation and a plain bug are not I/O failures', () => {
    expect(isIoFailure(new DomainError('OUTPUT_EXISTS', 'exists'))).toBe(false);
    expect(isIoFailure(sqliteError('SQLITE_CONSTRAINT_PRIMARYKEY'))).toBe(false);
    expect(isIoFailure(new TypeError('x is undefined'))).toBe(false);
  });

  it('an errno Node has no name for is still an I/O failure (libfiu picks any errno of the call)', () => {
    expect(isIoFailure(Object.assign(new Error('Unknown system error -77'), { code: 'Unknown system error -77', errno: -77, syscall: 'fsync' }))).toBe(true);
  });

  it('the message names the path, what changed and what to do; the raw error stays in the detail', () => {
    const e = ioError(sysError('ENOSPC'), { path: file, doing: 'writing out.pem', changed: 'Certificate serial 0a was recorded in the vault, but its file was not written.', then: 'write it with "airgap-ca cert show 0a --out FILE"' });
    expect(e.code).toBe('DISK_FULL');
    expect(e.message).toBe(`Writing out.pem failed on ${file} (ENOSPC). Certificate serial 0a was recorded in the vault, but its file was not written. The disk is full: free some space on it, then write it with "airgap-ca cert show 0a --out FILE".`);
    expect(e.detail).toContain('ENOSPC: failed');
  });
});
