import { createChildCa } from '../../core/keys/child-ca.ts';
import { DomainError } from '../../core/errors.ts';
import { SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { CaSummary } from '../../core/store/ca-store.ts';
import type { CaView, caOps } from '../contract/cas.ts';
import type { VaultContext } from './context.ts';
import type { HandlersFor } from './handler.ts';

function caView(ctx: VaultContext, ca: CaSummary): CaView {
  const keys = new SigningKeyStore(ctx.vault, ca.id);
  const active = keys.active();
  const parentName = ca.parentId === null ? null : (ctx.stores.cas.list().find((c) => c.id === ca.parentId)?.name ?? null);
  return { ...ca, parentName, activeKeyId: active?.id ?? null, activeKeyName: active?.name ?? null, keys: keys.list().length };
}

export const caHandlers: HandlersFor<keyof typeof caOps> = {
  'ca.create': async (input, ctx) => {
    const v = ctx.vault;
    if (input.parent !== undefined) {
      if (!input.keyName || !input.subject) throw new DomainError('INVALID_INPUT', 'A CA with --parent starts with its first key: give --key-name NAME and --subject DN as well.');
      const parent = ctx.stores.cas.byName(input.parent);
      const r = await createChildCa(
        { vault: v, clock: ctx.clock, actor: ctx.actor },
        { name: input.name, purpose: input.purpose, parent, key: { name: input.keyName, algorithm: input.algorithm, subject: input.subject, days: input.days, token: input.token } },
      );
      return { ...caView(ctx, r.ca), firstKeyId: r.keyId, serial: r.serial, firstKeyToken: r.token };
    }
    if (input.token !== undefined) {
      throw new DomainError('INVALID_INPUT', '--token and --token-serial go with --parent (the first key of an issuing CA). A CA of its own starts without keys: create it, then its keys with --ca NAME key create --token LABEL.');
    }
    if (input.keyName !== undefined || input.subject !== undefined || input.days !== undefined) {
      throw new DomainError('INVALID_INPUT', '--key-name, --subject and --days go with --parent. Without a parent, create the CA, then its keys with --ca NAME key create.');
    }
    const ca = v.transaction(() => {
      const created = ctx.stores.cas.create({ name: input.name, purpose: input.purpose, createdAt: ctx.clock.now().toISOString() });
      v.audit.append({ actor: ctx.actor, action: 'ca.created', details: { ca: created.name, caId: created.id, purpose: created.purpose } });
      return created;
    });
    return { ...caView(ctx, ca), firstKeyId: null, serial: null, firstKeyToken: null };
  },

  'ca.list': (_i, ctx) => ctx.stores.cas.list().map((ca) => caView(ctx, ca)),

  'ca.show': (input, ctx) => caView(ctx, ctx.stores.cas.byName(input.name)),

  'ca.update': (input, ctx) => {
    const v = ctx.vault;
    const { cas } = ctx.stores;
    const { name, ...change } = input;
    if (Object.values(change).every((x) => x === undefined)) throw new DomainError('INVALID_INPUT', 'Name at least one setting to change (--trusted-window, --crl-validity, --profiles, --default-days).');
    const ca = cas.byName(name);
    v.transaction(() => {
      cas.updateSettings(ca.id, change);
      v.audit.append({ actor: ctx.actor, action: 'ca.settings-changed', details: { ca: ca.name, caId: ca.id, from: ca.settings, to: cas.byId(ca.id)!.settings } });
    });
    return caView(ctx, cas.byId(ca.id)!);
  },

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
