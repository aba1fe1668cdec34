import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { serializeCalendar, type CalendarEvent } from '../../core/calendar/ics.ts';
import { DAY_MS } from '../../core/clock.ts';
import { DomainError } from '../../core/errors.ts';
import { writeUnrecordedOutput } from '../../core/fs/recorded-output.ts';
import { planSchedule, presignCrls, scheduleStaleness, type ScheduleStaleness } from '../../core/issuance/crl-schedule.ts';
import { crlToPem } from '../../core/issuance/crl-encoder.ts';
import { crlFileStem } from '../../core/media/package-format.ts';
import type { CertificateStore, CrlRecord } from '../../core/store/certificate-store.ts';
import { CrlScheduleStore, type CrlSchedule, type NewCrlSchedule } from '../../core/store/crl-schedule-store.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { Db } from '../../core/vault/database.ts';
import type { CrlCalendarEntry, crlScheduleOps, ScheduledCrlsView } from '../contract/crls.ts';
import type { VaultContext } from './context.ts';
import type { HandlersFor } from './handler.ts';

/** Key "Name (sha256:…)" as officers compare it: the name and the full key id. */
export function keyLabel(k: { name: string; id: string }): string {
  return `${k.name} (${k.id})`;
}

/**
 * Whether a key must keep publishing CRLs: every key in the bundle (any state
 * but draft and retired — active, trusted, staged), and a retired key while a
 * certificate it revoked is still valid; returns that count for retired keys.
 */
function publishes(k: SigningKeyRecord, certs: CertificateStore, now: Date): { yes: boolean; liveRevocations: number | null } {
  if (k.state === 'draft' || !k.certificate) return { yes: false, liveRevocations: null };
  if (k.state !== 'retired') return { yes: true, liveRevocations: null };
  const live = certs.countLiveRevoked(k.id, now);
  return { yes: live > 0, liveRevocations: live };
}

function staleness(s: CrlSchedule, schedules: CrlScheduleStore, certs: CertificateStore): ScheduleStaleness {
  return scheduleStaleness(s, { revocationMark: schedules.revocationMark(s.issuerKeyId), lastCrlNumber: certs.lastCrlFacts(s.issuerKeyId)?.number ?? 0 });
}

function scheduledView(s: CrlSchedule, st: ScheduleStaleness): ScheduledCrlsView {
  const first = s.crls[0]!;
  const last = s.crls[s.crls.length - 1]!;
  return {
    count: s.crls.length,
    firstNumber: first.number,
    lastNumber: last.number,
    from: first.thisUpdate,
    until: last.nextUpdate,
    signedAt: s.createdAt,
    stale: st.stale,
    staleReason: st.stale ? st.reason : null,
    staleMessage: st.stale ? `The ${s.crls.length} pre-signed CRLs (numbers ${first.number}–${last.number}) are stale: ${st.message}. The next export signs them again; until then do not publish them.` : null,
  };
}

function calendarEntry(ctx: VaultContext, k: SigningKeyRecord, liveRevocations: number | null, marginDays: number, now: Date): CrlCalendarEntry {
  const { certs } = ctx.stores;
  const schedules = new CrlScheduleStore(ctx.vault.db);
  const last = certs.lastCrlFacts(k.id);
  const s = schedules.current(k.id);
  const scheduled = s && s.crls.length ? scheduledView(s, staleness(s, schedules, certs)) : null;
  const ends = [last?.nextUpdate, scheduled && !scheduled.stale ? scheduled.until : undefined].filter((x): x is string => x !== undefined).map((x) => new Date(x).getTime());
  const covered = ends.length ? Math.max(...ends) : null;
  const ceremonyBy = covered === null ? now.getTime() : covered - marginDays * DAY_MS;
  const status = covered === null ? 'none' : covered <= now.getTime() ? 'expired' : ceremonyBy <= now.getTime() ? 'due' : 'ok';
  return {
    caId: k.caId,
    ca: k.caName,
    keyId: k.id,
    keyName: k.name,
    state: k.state,
    liveRevocations,
    lastCrl: last ? { number: last.number, thisUpdate: last.thisUpdate, nextUpdate: last.nextUpdate } : null,
    scheduled,
    coveredUntil: covered === null ? null : new Date(covered).toISOString(),
    ceremonyBy: new Date(ceremonyBy).toISOString(),
    status,
  };
}

/** The calendar of every issuer that must publish (of the operation's CA, or of every CA), soonest deadline first. */
export function crlCalendar(ctx: VaultContext, marginDays: number): CrlCalendarEntry[] {
  const { keys, certs } = ctx.stores;
  const now = ctx.clock.now();
  const entries: CrlCalendarEntry[] = [];
  for (const k of keys.list()) {
    const p = publishes(k, certs, now);
    if (p.yes) entries.push(calendarEntry(ctx, k, p.liveRevocations, marginDays, now));
  }
  return entries.sort((a, b) => a.ceremonyBy.localeCompare(b.ceremonyBy) || a.ca.localeCompare(b.ca) || a.keyName.localeCompare(b.keyName));
}

/** The stale pre-signed sets of the operation's CA (or every CA), in officer language, for the CLI and the dashboard. */
export function staleScheduleWarnings(ctx: VaultContext): string[] {
  return crlCalendar(ctx, ctx.settings().crlSafetyMarginDays).flatMap((e) => (e.scheduled?.staleMessage ? [`CA "${e.ca}", key ${keyLabel({ name: e.keyName, id: e.keyId })}: ${e.scheduled.staleMessage}`] : []));
}

function calendarEvents(entries: readonly CrlCalendarEntry[], marginDays: number, now: Date): CalendarEvent[] {
  return entries.map((e) => {
    const key = keyLabel({ name: e.keyName, id: e.keyId });
    const covered = e.coveredUntil ? `Relying parties hold a valid CRL until ${e.coveredUntil}` : 'This key has never published a CRL';
    const lines = [
      `CA: ${e.ca}`,
      `Key: ${key}, ${e.state}`,
      e.lastCrl ? `Current CRL: number ${e.lastCrl.number}, thisUpdate ${e.lastCrl.thisUpdate}, nextUpdate ${e.lastCrl.nextUpdate}` : 'Current CRL: none',
      e.scheduled ? `Pre-signed: ${e.scheduled.count} CRLs, numbers ${e.scheduled.firstNumber}–${e.scheduled.lastNumber}, until ${e.scheduled.until}${e.scheduled.stale ? ' (STALE: the next export signs them again)' : ''}` : 'Pre-signed: none',
      `${covered}. Hold the ceremony by ${e.ceremonyBy} (safety margin ${marginDays} days): publish a new CRL and export it.`,
    ];
    const hex = e.keyId.slice('sha256:'.length);
    return {
      // Stable for the same key and deadline: importing a newer file adds the new deadline beside the old one.
      uid: `crl-${hex.slice(0, 32)}-${e.ceremonyBy.replace(/[-:.]/g, '')}@airgap-ca`,
      stamp: now,
      start: new Date(e.ceremonyBy),
      summary: `CRL ceremony due: CA "${e.ca}", key "${key}"`,
      description: lines.join('\n'),
      alarmMinutesBefore: 24 * 60,
      alarmText: `Tomorrow: the CRL ceremony for CA "${e.ca}", key "${key}".`,
    };
  });
}

/** What the export hook reads: the vault's database, one CA's keys and certificates, and the time. */
export interface ScheduleWorld {
  db: Db;
  keys: SigningKeyStore;
  certs: CertificateStore;
  now: Date;
}

/** The CRLs a stale (or newly chained) set needs and the export's files for one issuer; nothing is stored here. */
interface ScheduledExport {
  files: Array<{ name: string; bytes: Uint8Array }>;
  /** A set signed again for this export: stored once the package is written and verified. */
  resigned: NewCrlSchedule | null;
  schedule: Array<{ issuerKeyId: string; file: string; number: number; thisUpdate: string; nextUpdate: string; sha256: string }>;
}

/**
 * What the export carries of an issuer's pre-signed CRLs, under `<crlFolder>/scheduled/`: the
 * current set, signed again first when it is stale or the export just published a newer regular
 * CRL (`current`, `regenerated`), and only the CRLs that have not expired. The caller adds
 * SCHEDULE.json (scheduleJson) once for all issuers of the folder.
 */
function scheduledCrlsForExport(w: ScheduleWorld, k: SigningKeyRecord, current: CrlRecord | null, crlFolder: string, preview: Preview | null): ScheduledExport {
  const { keys, certs, now } = w;
  const schedules = new CrlScheduleStore(w.db);
  const s = schedules.current(k.id);
  const out: ScheduledExport = { files: [], resigned: null, schedule: [] };
  if (!s || s.crls.length === 0) return out;
  let crls = s.crls;
  const lastNumber = s.crls[s.crls.length - 1]!.number;
  const chained = preview?.planned ?? current;
  if (staleness(s, schedules, certs).stale || (chained !== null && chained.number > lastNumber)) {
    if (!publishes(k, certs, now).yes) return out;
    const after = chained ? { number: chained.number, nextUpdate: chained.nextUpdate } : null;
    if (preview) {
      // A preview signs nothing: the set the export would sign again, by name.
      for (const p of planSchedule({ count: s.crls.length, validityDays: s.validityDays, overlapDays: s.overlapDays, after }, certs.highestCrlNumber(k.id), now)) {
        const name = `${crlFolder}/scheduled/${crlFileStem(k.id)}-${p.number}.crl`;
        preview.unsigned.push(name, `${name}.pem`);
      }
      preview.schedule = true;
      return out;
    }
    out.resigned = presignCrls({ keys, certs, schedules, now }, k, { count: s.crls.length, validityDays: s.validityDays, overlapDays: s.overlapDays, after });
    crls = out.resigned.crls;
  }
  for (const c of crls) {
    if (new Date(c.nextUpdate).getTime() <= now.getTime()) continue;
    const name = `${crlFileStem(k.id)}-${c.number}.crl`;
    out.files.push({ name: `${crlFolder}/scheduled/${name}`, bytes: c.der }, { name: `${crlFolder}/scheduled/${name}.pem`, bytes: Buffer.from(crlToPem(c.der), 'utf8') });
    out.schedule.push({ issuerKeyId: k.id, file: name, number: c.number, thisUpdate: c.thisUpdate, nextUpdate: c.nextUpdate, sha256: createHash('sha256').update(c.der).digest('hex') });
  }
  return out;
}

/** A preview's part in the export hook: the CRL a regeneration would make, and the names of what would be signed. */
interface Preview {
  planned: { number: number; nextUpdate: string } | null;
  unsigned: string[];
  /** Set when a stale set would be signed again. */
  schedule: boolean;
}

/** SCHEDULE.json: when the online side publishes each pre-signed CRL (at its thisUpdate), in publication order. */
function scheduleJson(entries: ScheduledExport['schedule']): Uint8Array {
  const sorted = [...entries].sort((a, b) => a.thisUpdate.localeCompare(b.thisUpdate) || a.issuerKeyId.localeCompare(b.issuerKeyId));
  return Buffer.from(`${JSON.stringify({ format: 'airgap-ca-crl-schedule', format_version: 1, crls: sorted.map((e) => ({ issuer_key_id: e.issuerKeyId, file: e.file, number: e.number, this_update: e.thisUpdate, next_update: e.nextUpdate, sha256: e.sha256 })) }, null, 2)}\n`, 'utf8');
}

/**
 * The export's one hook: adds every issuer's pre-signed CRLs (signed again where stale) and
 * SCHEDULE.json under `<crlFolder>/scheduled/` to `files`; returns the sets signed again, which the
 * export stores with its record once the package is written and verified.
 */
export function addScheduledCrls(
  w: ScheduleWorld,
  issuers: ReadonlyArray<{ key: SigningKeyRecord; current: CrlRecord | null; planned?: { number: number; nextUpdate: string } }>,
  crlFolder: string,
  files: Array<{ name: string; bytes: Uint8Array }>,
  /** For a preview: the names of the files writing would sign first go here, and nothing is signed. */
  unsigned: string[] | null = null,
): NewCrlSchedule[] {
  let resignedInPreview = false;
  const parts = issuers.map((i) => {
    const preview: Preview | null = unsigned ? { planned: i.planned ?? null, unsigned, schedule: false } : null;
    const part = scheduledCrlsForExport(w, i.key, i.current, crlFolder, preview);
    resignedInPreview ||= preview?.schedule ?? false;
    return part;
  });
  const schedule = parts.flatMap((p) => p.schedule);
  if (schedule.length) files.push(...parts.flatMap((p) => p.files), { name: `${crlFolder}/scheduled/SCHEDULE.json`, bytes: scheduleJson(schedule) });
  else if (resignedInPreview && unsigned) unsigned.push(`${crlFolder}/scheduled/SCHEDULE.json`);
  return parts.flatMap((p) => (p.resigned ? [p.resigned] : []));
}

export const crlScheduleHandlers: HandlersFor<keyof typeof crlScheduleOps> = {
  'crl.calendar': (input, ctx) => {
    const marginDays = input.marginDays ?? ctx.settings().crlSafetyMarginDays;
    const now = ctx.clock.now();
    const out = input.ics ? resolve(input.ics) : null;
    if (out && existsSync(out)) throw new DomainError('OUTPUT_EXISTS', `${out} already exists. The calendar is never written over an existing file.`);
    const entries = crlCalendar(ctx, marginDays);
    let icsEvents = 0;
    if (out) {
      const events = calendarEvents(entries, marginDays, now);
      writeUnrecordedOutput(out, Buffer.from(serializeCalendar({ prodId: '-//Airgap CA//CRL calendar//EN', name: 'Airgap CA CRL ceremonies', events }), 'utf8'), '"airgap-ca crl calendar --ics FILE"');
      icsEvents = events.length;
    }
    return { generatedAt: now.toISOString(), marginDays, entries, staleSchedules: entries.filter((e) => e.scheduled?.stale).length, ics: out, icsEvents };
  },

  'crl.presign': (input, ctx) => {
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    const schedules = new CrlScheduleStore(v.db);
    const k = keys.resolve(input.issuer);
    const now = ctx.clock.now();
    const validityDays = input.validityDays ?? ctx.settings().crlValidityDays;
    const overlapDays = ctx.settings().crlSafetyMarginDays;
    const current = certs.lastCrlFacts(k.id);
    const previous = schedules.current(k.id);
    const set = presignCrls({ keys, certs, schedules, now }, k, { count: input.count, validityDays, overlapDays, after: current ? { number: current.number, nextUpdate: current.nextUpdate } : null });
    const replaced = previous && previous.crls.length ? { firstNumber: previous.crls[0]!.number, lastNumber: previous.crls[previous.crls.length - 1]!.number } : null;
    v.transaction(() => {
      schedules.insert(set);
      v.audit.append({
        actor: ctx.actor,
        action: 'crl.presigned',
        details: {
          issuerKeyId: k.id,
          count: set.crls.length,
          validityDays,
          overlapDays,
          numbers: set.crls.map((c) => c.number),
          from: set.crls[0]!.thisUpdate,
          until: set.crls[set.crls.length - 1]!.nextUpdate,
          entries: set.crls[0]!.entries,
          replaced,
        },
      });
    });
    return {
      issuerKeyId: k.id,
      keyName: k.name,
      ca: k.caName,
      validityDays,
      overlapDays,
      crls: set.crls.map((c) => ({ number: c.number, thisUpdate: c.thisUpdate, nextUpdate: c.nextUpdate, entries: c.entries, bytes: c.der.length })),
      replaced,
    };
  },
};
