import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DomainError } from '../../core/errors.ts';
import { readCheckpoint, writeAuditCheckpoint } from '../../core/audit/checkpoint.ts';
import { writeRecordedOutput } from '../../core/fs/recorded-output.ts';
import { SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { auditOps } from '../contract/audit.ts';
import type { HandlersFor } from './handler.ts';

export const auditHandlers: HandlersFor<keyof typeof auditOps> = {
  'audit.list': (input, ctx) => {
    const v = ctx.vault;
    const since = input.since ? new Date(input.since).toISOString() : undefined;
    return { events: v.audit.list({ since, action: input.action, limit: input.limit }), total: v.audit.count() };
  },

  'audit.actions': (_input, ctx) => ({ actions: ctx.vault.audit.actions() }),

  'audit.verify': async (input, ctx) => {
    const v = ctx.vault;
    const r = v.audit.verify();
    const base = r.ok
      ? { ok: true, count: r.count, head: r.head, brokenAt: null, reason: null, keyedFrom: r.keyedFrom }
      : { ok: false, count: r.count, head: null, brokenAt: r.brokenAt, reason: r.reason, keyedFrom: null };
    if (input.checkpoint === undefined) return base;
    const keys = new SigningKeyStore(v);
    const cp = await readCheckpoint(resolve(input.checkpoint), v.id, (keyId) => keys.get(keyId));
    const c = v.audit.compareCheckpoint(cp.head);
    return { ...base, ok: base.ok && c.status === 'contains', checkpoint: { source: cp.source, seq: cp.head.seq, hash: cp.head.hash, status: c.status, currentSeq: c.current?.seq ?? null } };
  },

  'audit.checkpoint': (input, ctx) => {
    const v = ctx.vault;
    const { file, checkpoint: c } = writeAuditCheckpoint({ vault: v, keys: ctx.stores.keys, out: resolve(input.out), actor: ctx.actor, now: ctx.clock.now() });
    return { file, vaultId: c.vault_id, seq: c.audit_head.seq, hash: c.audit_head.hash, created: c.created, signingKeyId: c.signing_key_id };
  },

  'audit.export': (input, ctx) => {
    const v = ctx.vault;
    const out = resolve(input.out);
    if (existsSync(out)) throw new DomainError('OUTPUT_EXISTS', `${out} already exists. Exports never overwrite a file: choose a new name.`);
    const lines: string[] = [];
    // The export is itself an event; it is written first so the exported chain includes it.
    v.transaction(() => v.audit.append({ actor: ctx.actor, action: 'audit.exported', details: { file: out } }));
    for (const e of v.audit.iterate()) lines.push(JSON.stringify(e));
    writeRecordedOutput(out, Buffer.from(lines.join('\n') + '\n', 'utf8'), { what: `The export (audit event ${lines.length}, audit.exported)`, again: '"airgap-ca audit export --out FILE"' });
    return { file: out, events: lines.length };
  },
};
