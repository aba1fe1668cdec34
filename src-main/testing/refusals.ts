/**
 * The one way tests read a refusal: a DomainError's code, 'ok' when the call
 * went through, and anything else thrown rethrown (a raw error is the bug).
 */
import { expect } from 'vitest';
import { DomainError, type ErrorCode } from '../core/errors.ts';

export type Outcome = ErrorCode | 'ok';

function codeOfThrown(e: unknown): ErrorCode {
  if (e instanceof DomainError && typeof e.code === 'string' && e.code.length > 0) return e.code;
  throw e;
}

/** The code `fn` is refused with, or 'ok'. */
export function codeOf(fn: () => unknown): Outcome {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return codeOfThrown(e);
  }
}

/** The code `work` is refused with, or 'ok'; `onValue` disposes of what it resolved to (a vault to close). */
export async function codeOfAsync(work: Promise<unknown>, onValue?: (value: unknown) => void): Promise<Outcome> {
  try {
    // Awaited first: `onValue?.(await work)` would skip the await itself when there is no onValue.
    const value = await work;
    onValue?.(value);
    return 'ok';
  } catch (e) {
    return codeOfThrown(e);
  }
}

/** The code `fn` must be refused with: the test fails when nothing is thrown. */
export function refusedWith(fn: () => unknown): ErrorCode {
  const outcome = codeOf(fn);
  expect(outcome, 'expected a DomainError, but the call went through').not.toBe('ok');
  return outcome as ErrorCode;
}

export type Refusal = { refused: true; code: ErrorCode } | { refused: false; value: unknown };

/** For parsers of untrusted input: a clean refusal, or the value parsed. */
export function refusalOf(fn: () => unknown): Refusal {
  try {
    return { refused: false, value: fn() };
  } catch (e) {
    return { refused: true, code: codeOfThrown(e) };
  }
}

export async function refusalOfAsync(fn: () => Promise<unknown>): Promise<Refusal> {
  try {
    return { refused: false, value: await fn() };
  } catch (e) {
    return { refused: true, code: codeOfThrown(e) };
  }
}
