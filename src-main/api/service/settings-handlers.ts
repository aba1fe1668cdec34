import type { settingsOps } from '../contract/settings.ts';
import type { HandlersFor } from './handler.ts';

export const settingsHandlers: HandlersFor<keyof typeof settingsOps> = {
  'settings.get': (_i, ctx) => ctx.settings(),

  'settings.update': (input, ctx) => {
    const v = ctx.vault;
    const before = ctx.settings();
    const changes = Object.entries(input).filter(([k, val]) => val !== undefined && (before as unknown as Record<string, unknown>)[k] !== val);
    if (changes.length === 0) return before;
    v.transaction(() => {
      ctx.stores.settings.put(changes.map(([k, val]) => [k, val === null ? '' : String(val)] as const));
      v.audit.append({ actor: ctx.actor, action: 'settings.updated', details: Object.fromEntries(changes.map(([k, val]) => [k, { from: (before as unknown as Record<string, number>)[k], to: val }])) });
    });
    return ctx.settings();
  },
};
