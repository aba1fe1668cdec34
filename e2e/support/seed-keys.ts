/**
 * Seeds signing keys through the real dispatch() on the test's vault folder,
 * before the window unlocks it: its own Service (same process, same code path
 * as the app), unlocked with the seed passphrase, locked again at the end.
 */
import type { OpInput, OpName, OpResult } from '../../src-main/api/contract.ts';
import { dispatch } from '../../src-main/api/dispatch.ts';
import { createService } from '../../src-main/api/service.ts';
import { OWASP_MINIMUM_KDF } from '../fixtures/app-host.ts';
import { offsetClock } from '../fixtures/test-clock.ts';
import { PASSPHRASE } from './ui.ts';

export const DAY_MS = 86_400_000;

export interface Seeder {
  call<N extends OpName>(name: N, input: OpInput<N>): Promise<OpResult<N>>;
  /** Moves this seeder's clock (not the window's) forward, unlocking again after the idle lock that follows. */
  advance(ms: number): Promise<void>;
  close(): void;
}

export async function openSeeder(vaultDir: string, actor = 'Seed Officer', passphrase = PASSPHRASE): Promise<Seeder> {
  const clock = offsetClock();
  const service = createService({ vaultDir, clock, kdfCost: { ...OWASP_MINIMUM_KDF } });
  const call = async <N extends OpName>(name: N, input: OpInput<N>): Promise<OpResult<N>> => {
    const r = await dispatch(service, name, input);
    if (!r.ok) throw new Error(`seeding: ${name} failed: ${r.code} ${r.message}`);
    return r.value as OpResult<N>;
  };
  const unlock = () => call('vault.unlock', { actor, credentials: { passphrase } });
  await unlock();
  return {
    call,
    advance: async (ms) => {
      clock.advance(ms);
      await unlock();
    },
    close: () => service.session.lock(null),
  };
}

/** A self-signed root, activated: the previous active key (if any) becomes trusted for `trustedWindowDays`. */
export async function activeRoot(s: Seeder, name: string, trustedWindowDays?: number): Promise<string> {
  const k = await s.call('key.create', { name, algorithm: 'ecdsa-p256' });
  await s.call('key.selfSign', { key: k.id, subject: `CN=${name},O=Acme` });
  await s.call('key.activate', { key: k.id, ...(trustedWindowDays ? { trustedWindowDays } : {}) });
  return k.id;
}

export interface SeededStates {
  retired: string;
  trusted: string;
  active: string;
  draft: string;
  draftWithCert: string;
}

/**
 * One key in every state: "Root 2024" retired (its 1-day window passed),
 * "Root 2025" trusted (30 days), "Root 2026" active, "Agents CA draft" waiting
 * for its chain, "Root 2027 draft" self-signed and not activated.
 * The seeder's clock runs `ahead` ms in front of real time afterwards.
 */
export async function seedEveryState(vaultDir: string): Promise<SeededStates & { ahead: number }> {
  const s = await openSeeder(vaultDir);
  try {
    const retired = await activeRoot(s, 'Root 2024');
    const trusted = await activeRoot(s, 'Root 2025', 1);
    await s.advance(2 * DAY_MS);
    await s.call('key.retire', { key: retired });
    const active = await activeRoot(s, 'Root 2026', 30);
    const draft = (await s.call('key.create', { name: 'Agents CA draft', algorithm: 'ecdsa-p384' })).id;
    const d2 = await s.call('key.create', { name: 'Root 2027 draft', algorithm: 'ecdsa-p256' });
    await s.call('key.selfSign', { key: d2.id, subject: 'CN=Root 2027,O=Acme' });
    return { retired, trusted, active, draft, draftWithCert: d2.id, ahead: 2 * DAY_MS };
  } finally {
    s.close();
  }
}
