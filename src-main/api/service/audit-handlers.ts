import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DomainError } from '../../core/errors.ts';
import { writeFileDurably } from '../../core/fs/durable-write.ts';
import type { auditOps } from '../contract/audit.ts';
import type { HandlersFor } from './handler.ts';

export const auditHandlers: HandlersFor<keyof typeof auditOps> = {
  'audit.list': (input, session) => {
    const v = session.requireVault();
    const since = input.since ? new Date(input.since).toISOString() : undefined;
    return { events: v.audit.list({ since, action: input.action, limit: input.limit }), total: v.audit.count() };
  },

  'audit.verify': (_i, session) => {
    const r = session.requireVault().audit.verify();
    return r.ok ? { ok: true, count: r.count, head: r.head, brokenAt: null, reason: null } : { ok: false, count: r.count, head: null, brokenAt: r.brokenAt, reason: r.reason };
  },

  'audit.export': (input, session) => {
    const v = session.requireVault();
    const out = resolve(input.out);
    if (existsSync(out)) throw new DomainError('OUTPUT_EXISTS', `${out} already exists. Exports never overwrite a file: choose a new name.`);
    const lines: string[] = [];
    // The export is itself an event; it is written first so the exported chain includes it.
    v.transaction(() => v.audit.append({ actor: session.requireActor(), action: 'audit.exported', details: { file: out } }));
    for (const e of v.audit.iterate()) lines.push(JSON.stringify(e));
    writeFileDurably(out, Buffer.from(lines.join('\n') + '\n', 'utf8'), { exclusive: true, mode: 0o644 });
    return { file: out, events: lines.length };
  },
};
