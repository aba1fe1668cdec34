import { z } from 'zod';
import type { KeyState } from '../../core/keys/key-state.ts';
import { filePath, op } from './common.ts';

/** The pre-signed CRLs of a key (its current set) as the calendar and the dashboard show them. */
export interface ScheduledCrlsView {
  count: number;
  firstNumber: number;
  lastNumber: number;
  /** thisUpdate of the first, nextUpdate of the last. */
  from: string;
  until: string;
  signedAt: string;
  /** A revocation (or a regular CRL) came after they were signed: the next export re-signs them. */
  stale: boolean;
  staleReason: 'revoked' | 'superseded' | null;
  /** Officer language: why they are stale and what to do; null when they are not. */
  staleMessage: string | null;
}

/** One issuer that must publish, and when the next ceremony must happen for it. */
export interface CrlCalendarEntry {
  caId: string;
  ca: string;
  keyId: string;
  keyName: string;
  state: KeyState;
  /** For a retired key: the revoked certificates that have not expired (why it still publishes); else null. */
  liveRevocations: number | null;
  /** The issuer's current CRL (the last regular one); null when it never published. */
  lastCrl: { number: number; thisUpdate: string; nextUpdate: string } | null;
  scheduled: ScheduledCrlsView | null;
  /** Until when relying parties hold a valid CRL: the later of the current CRL and fresh pre-signed ones. */
  coveredUntil: string | null;
  /** The latest date of the next ceremony: coveredUntil less the safety margin (now when nothing covers). */
  ceremonyBy: string;
  /** none: never published; due: ceremonyBy has come; expired: coveredUntil has passed. */
  status: 'none' | 'ok' | 'due' | 'expired';
}

export interface CrlCalendarView {
  generatedAt: string;
  marginDays: number;
  /** Soonest deadline first. */
  entries: CrlCalendarEntry[];
  /** How many of the entries have stale pre-signed CRLs. */
  staleSchedules: number;
  /** The iCalendar file written (--ics), or null. */
  ics: string | null;
  /** The events in it (one per entry). */
  icsEvents: number;
}

export interface PresignView {
  issuerKeyId: string;
  keyName: string;
  ca: string;
  validityDays: number;
  overlapDays: number;
  /** Number, window and entries of each CRL signed, in order. */
  crls: Array<{ number: number; thisUpdate: string; nextUpdate: string; entries: number; bytes: number }>;
  /** The numbers of the set this one replaced (it was current until now), or null. */
  replaced: { firstNumber: number; lastNumber: number } | null;
}

const keyRef = z.string().trim().min(1).max(200);

export const crlScheduleOps = {
  'crl.calendar': op<CrlCalendarView>()(
    z.strictObject({
      /** Write the calendar as an iCalendar file (RFC 5545), never over an existing one. */
      ics: filePath.optional(),
      /** This run's safety margin in days instead of the setting. */
      marginDays: z.number().int().min(1).max(60).optional(),
    }),
    { mutates: false, needsUnlock: true, ca: 'oneOrAll' },
  ),
  'crl.presign': op<PresignView>()(
    z.strictObject({
      issuer: keyRef,
      // Limits (1 to 120) are checked by the signing code, whose message names them.
      count: z.number().int().min(0).max(1_000_000),
      validityDays: z.number().int().min(1).max(366).optional(),
    }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
} as const;
