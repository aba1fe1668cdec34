import { SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { CaSummary } from '../../core/store/ca-store.ts';
import type { CaView, caOps } from '../contract/cas.ts';
import type { VaultContext } from './context.ts';
import type { HandlersFor } from './handler.ts';

function caView(ctx: VaultContext, ca: CaSummary): CaView {
  const keys = new SigningKeyStore(ctx.vault, ca.id);
  return { ...ca, activeKeyId: keys.active()?.id ?? null, keys: keys.list().length };
}

export const caHandlers: HandlersFor<keyof typeof caOps> = {
  'ca.create': (input, ctx) => {
    const v = ctx.vault;
    const ca = v.transaction(() => {
      const created = ctx.stores.cas.create({ name: input.name, purpose: input.purpose, createdAt: ctx.clock.now().toISOString() });
      v.audit.append({ actor: ctx.actor, action: 'ca.created', details: { ca: created.name, caId: created.id, purpose: created.purpose } });
      return created;
    });
    return caView(ctx, ca);
  },

  'ca.list': (_i, ctx) => ctx.stores.cas.list().map((ca) => caView(ctx, ca)),

  'ca.show': (input, ctx) => caView(ctx, ctx.stores.cas.byName(input.name)),

  'ca.rename': (input, ctx) => {
    const v = ctx.vault;
    const { cas } = ctx.stores;
    const ca = cas.byName(input.name);
    v.transaction(() => {
      cas.rename(ca.id, input.newName);
      v.audit.append({ actor: ctx.actor, action: 'ca.renamed', details: { ca: input.newName, caId: ca.id, from: ca.name } });
    });
    return caView(ctx, cas.byId(ca.id)!);
  },
};
