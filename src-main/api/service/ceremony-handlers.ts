import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildCeremonyKit, type KitKey } from '../../core/ceremony/ceremony-kit.ts';
import { readCertificateFacts } from '../../core/asn1/certificate-reader.ts';
import { DomainError } from '../../core/errors.ts';
import { writeRecordedOutput } from '../../core/fs/recorded-output.ts';
import { certificateFingerprint } from '../../core/keys/trusted-roots.ts';
import type { SigningKeyRecord } from '../../core/store/signing-key-store.ts';
import type { CeremonyKitKind, ceremonyOps } from '../contract/ceremony.ts';
import type { HandlersFor } from './handler.ts';
import { assertNewFile } from './input-files.ts';

function subjectOf(k: SigningKeyRecord): string | null {
  return k.certificate ? readCertificateFacts(k.certificate, `the certificate of key "${k.name}"`).subject : null;
}

function keyOnSheet(k: SigningKeyRecord, role: KitKey['role']): KitKey {
  return { role, name: k.name, fingerprint: k.id, subject: subjectOf(k), algorithm: k.algorithm };
}

/**
 * The fingerprints a ceremony's sheet prints, in order, from the vault: the
 * new key, and what the ceremony compares it with — the root certificate a
 * sub-CA chains to (once imported) or a new root's own certificate; in an
 * emergency, OUT (the CA's active key) before IN.
 */
function sheetKeys(ceremony: CeremonyKitKind, k: SigningKeyRecord, active: SigningKeyRecord | null): KitKey[] {
  switch (ceremony) {
    case 'sub-ca': {
      const root = k.chain.at(-1);
      const out: KitKey[] = [keyOnSheet(k, 'new-sub-ca')];
      if (root) {
        const f = readCertificateFacts(root, `the root certificate of key "${k.name}"`);
        out.push({ role: 'corporate-root', name: f.subject, fingerprint: `sha256:${certificateFingerprint(root)}`, subject: f.subject, algorithm: null });
      }
      return out;
    }
    case 'root': {
      const out: KitKey[] = [keyOnSheet(k, 'new-root')];
      if (k.certificate && k.chain.length === 0) out.push({ role: 'root-certificate', name: k.name, fingerprint: `sha256:${certificateFingerprint(k.certificate)}`, subject: subjectOf(k), algorithm: null });
      return out;
    }
    case 'emergency': {
      if (!active) throw new DomainError('NO_ACTIVE_KEY', `The CA "${k.caName}" has no active key, so there is no compromised key to rotate away from: the emergency kit names OUT and IN. Write a root or sub-CA kit instead.`);
      if (active.id === k.id) throw new DomainError('INVALID_INPUT', `Invalid key: "${k.name}" is the active key (OUT). Name the key that replaces it (IN).`);
      return [keyOnSheet(active, 'out'), keyOnSheet(k, 'in')];
    }
  }
}

/** `out`, or a new name in the folder `to`; exactly one of the two. */
function kitPath(input: { out?: string; to?: string }, ceremony: CeremonyKitKind, at: Date): string {
  if ((input.out === undefined) === (input.to === undefined)) throw new DomainError('INVALID_INPUT', 'Invalid out: give the file to write (out) or the folder to write it into (to), one of the two.');
  if (input.out !== undefined) return assertNewFile(input.out);
  const dir = resolve(input.to!);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DomainError('INVALID_INPUT', `Invalid to: ${dir} is not a folder. Choose the folder of the medium to write the kit to.`);
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, '');
  return assertNewFile(join(dir, `airgap-ca-ceremony-kit-${ceremony}-${stamp}Z.html`));
}

export const ceremonyHandlers: HandlersFor<keyof typeof ceremonyOps> = {
  /**
   * One audit event, 'ceremony.transcript', carrying the whole transcript; its
   * actor is the unlocked session's officer and its witnesses are the
   * ceremony's, so the chain names everyone who was in the room.
   */
  'ceremony.record': (input, ctx) => {
    const v = ctx.vault;
    const actor = ctx.actor;
    if (input.participants.officer.trim() !== actor.trim()) {
      throw new DomainError('INVALID_INPUT', `Invalid participants.officer: the transcript's officer must be the officer who unlocked the vault ("${actor}"), not "${input.participants.officer}".`);
    }
    const event = v.transaction(() =>
      v.audit.append({
        actor,
        witnesses: input.participants.witnesses,
        action: 'ceremony.transcript',
        details: { kind: input.kind, outcome: input.outcome, participants: input.participants, steps: input.steps },
      }),
    );
    return { seq: event.seq, at: event.at, hash: event.hash, prevHash: event.prevHash };
  },

  /**
   * The printed kit: the sheet is built inside the transaction from the
   * audit head it prints, and its SHA-256 goes into the ceremony.kit-written
   * event that follows that head; the file is written after the commit
   * (record first: docs/architecture.md, "Writing outside the vault").
   */
  'ceremony.kit': (input, ctx) => {
    const v = ctx.vault;
    const { keys } = ctx.stores;
    const at = ctx.clock.now();
    const k = keys.resolve(input.key);
    const file = kitPath(input, input.ceremony, at);
    const timeZone = input.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const onSheet = sheetKeys(input.ceremony, k, keys.active());
    const made = v.transaction(() => {
      const head = v.audit.head();
      const kit = buildCeremonyKit({
        ceremony: input.ceremony,
        ca: k.caName,
        vaultId: v.id,
        officer: ctx.actor,
        witnesses: input.witnesses,
        keys: onSheet,
        auditHead: head,
        kitEventSeq: (head?.seq ?? 0) + 1,
        at,
        timeZone,
        paper: input.paper,
      });
      const bytes = Buffer.from(kit.html, 'utf8');
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const event = v.audit.append({
        actor: ctx.actor,
        witnesses: input.witnesses,
        action: 'ceremony.kit-written',
        details: { ceremony: input.ceremony, file, sha256, keyIds: onSheet.map((x) => x.fingerprint), auditHead: head, timeZone, paper: input.paper },
      });
      return { kit, bytes, sha256, head, event };
    });
    writeRecordedOutput(file, made.bytes, { what: `The ${input.ceremony} ceremony kit (audit event ${made.event.seq}, ceremony.kit-written)`, again: `"airgap-ca ceremony kit --ceremony ${input.ceremony} --key ${k.name} --out FILE" (a new sheet, with the new audit head)` });
    return {
      file,
      ceremony: input.ceremony,
      sha256: made.sha256,
      vaultId: v.id,
      at: at.toISOString(),
      timeZone,
      fingerprints: made.kit.fingerprints,
      auditHead: made.head,
      event: { seq: made.event.seq, hash: made.event.hash },
    };
  },
};
