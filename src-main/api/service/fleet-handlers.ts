import { resolve } from 'node:path';
import { DomainError } from '../../core/errors.ts';
import { checkReceiptFolder, type ReceiptCheck } from '../../core/fleet/receipt-import.ts';
import { fleetStatus } from '../../core/fleet/fleet-status.ts';
import { remainingLeavesFile } from '../../core/fleet/remaining-list.ts';
import { writeRecordedOutput } from '../../core/fs/recorded-output.ts';
import { FleetStore } from '../../core/store/fleet-store.ts';
import type { fleetOps, ReceiptImportView } from '../contract/fleet.ts';
import type { VaultContext } from './context.ts';
import type { HandlersFor } from './handler.ts';
import { assertNewFile } from './input-files.ts';

/** The fleet evidence of the operation's CA (every fleet operation is one CA's). */
function fleetOf(ctx: VaultContext): FleetStore {
  if (!ctx.ca) throw new DomainError('INTERNAL', 'A fleet operation ran without its CA.');
  return new FleetStore(ctx.vault.db, ctx.ca.id);
}

function importView(c: ReceiptCheck, stored: boolean): ReceiptImportView {
  return { dir: c.dir, stored, accepted: c.accepted.length, duplicates: c.duplicates, refused: c.refused, files: c.files };
}

export const fleetHandlers: HandlersFor<keyof typeof fleetOps> = {
  'fleet.status': (_i, ctx) => fleetStatus(fleetOf(ctx), ctx.stores.keys.list(), ctx.clock.now(), ctx.settings().activationReadiness),

  'fleet.checkReceipts': async (input, ctx) => importView(await checkReceiptFolder(resolve(input.dir), { certs: ctx.stores.certs, fleet: fleetOf(ctx), now: ctx.clock.now() }), false),

  'fleet.importReceipts': async (input, ctx) => {
    const v = ctx.vault;
    const fleet = fleetOf(ctx);
    const c = await checkReceiptFolder(resolve(input.dir), { certs: ctx.stores.certs, fleet, now: ctx.clock.now() });
    v.transaction(() => {
      // Checked again inside the transaction: an import running meanwhile may have stored the same receipt.
      const fresh = c.accepted.filter((r) => !fleet.hasReceipt(r.agentSerial, r.bundleVersion));
      c.duplicates += c.accepted.length - fresh.length;
      c.accepted = fresh;
      for (const r of fresh) fleet.insertReceipt(r);
      // One event per import, also when it accepted nothing: refused receipts are evidence too.
      v.audit.append({ actor: ctx.actor, action: 'fleet.receipts-imported', details: { dir: c.dir, files: c.files.length, accepted: fresh.length, duplicates: c.duplicates, refused: c.refused } });
    });
    return importView(c, true);
  },

  'fleet.remaining': (input, ctx) => {
    const v = ctx.vault;
    const out = assertNewFile(input.out);
    const k = ctx.stores.keys.resolve(input.key);
    const leaves = fleetOf(ctx).remainingLeaves(k.id, ctx.clock.now());
    const bytes = remainingLeavesFile(leaves, input.format, { keyId: k.id, name: k.name, at: ctx.clock.now() });
    // Recorded first (committed), written second under a temporary name (docs/architecture.md, "Writing outside the vault").
    const event = v.transaction(() => v.audit.append({ actor: ctx.actor, action: 'fleet.remaining-written', details: { keyId: k.id, file: out, format: input.format, count: leaves.length } }));
    writeRecordedOutput(out, bytes, { what: `The list of ${leaves.length} remaining certificates of key "${k.name}" (audit event ${event.seq}, fleet.remaining-written)`, again: `"airgap-ca fleet remaining --key ${k.name} --out FILE"` });
    return { file: out, keyId: k.id, format: input.format, count: leaves.length };
  },
};
