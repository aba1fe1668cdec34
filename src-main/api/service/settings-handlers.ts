import type { settingsOps } from '../contract/settings.ts';
import type { HandlersFor } from './handler.ts';

export const settingsHandlers: HandlersFor<keyof typeof settingsOps> = {
  'settings.get': (_i, session) => {
    session.requireVault();
    return session.settings();
  },

  'settings.update': (input, session) => {
    const v = session.requireVault();
    const before = session.settings();
    const changes = Object.entries(input).filter(([k, val]) => val !== undefined && (before as unknown as Record<string, number>)[k] !== val);
    if (changes.length === 0) return before;
    v.transaction(() => {
      const put = v.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
      for (const [k, val] of changes) put.run(k, String(val));
      v.audit.append({ actor: session.requireActor(), action: 'settings.updated', details: Object.fromEntries(changes.map(([k, val]) => [k, { from: (before as unknown as Record<string, number>)[k], to: val }])) });
    });
    return session.settings();
  },
};
