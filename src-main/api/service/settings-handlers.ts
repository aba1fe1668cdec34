import type { settingsOps } from '../contract/settings.ts';
import type { HandlersFor } from './handler.ts';
import { putSettingValues } from '../../core/store/settings-store.ts';

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
      putSettingValues(v, changes.map(([k, val]) => [k, String(val)] as const));
      v.audit.append({ actor: session.requireActor(), action: 'settings.updated', details: Object.fromEntries(changes.map(([k, val]) => [k, { from: (before as unknown as Record<string, number>)[k], to: val }])) });
    });
    return session.settings();
  },
};
