/**
 * The SoftHSM2 tokens of the e2e specs, one SoftHSM2 folder per Playwright
 * worker process. The chromium host's dispatch runs in the worker, and the
 * PKCS#11 module reads SOFTHSM2_CONF once, when the process first loads it:
 * every spec of a worker must therefore see the same folder. A folder per spec
 * file (set at each file's load) let the second token spec of a worker talk to
 * the first one's folder, already removed by its afterAll — no token at all.
 * So every spec's token is made here, at the first import, in a folder no
 * spec's removeTempDirs removes; it goes when the worker exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { softHsm, type SoftHsmToken } from '../../src-main/testing/softhsm.ts';

/** Every token an e2e spec uses, by label. */
const LABELS = ['officer-token', 'issuing-token'] as const;
export type E2eTokenLabel = (typeof LABELS)[number];

const dir = mkdtempSync(join(tmpdir(), 'airgap-e2e-softhsm-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const hsm = softHsm({ dir });
process.env.SOFTHSM2_CONF = hsm.conf;
const tokens = new Map<E2eTokenLabel, SoftHsmToken>(LABELS.map((label) => [label, hsm.token(label)]));

/** The worker's token with that label (initialised, user PIN set, empty until a spec puts keys on it). */
export function e2eToken(label: E2eTokenLabel): SoftHsmToken {
  return tokens.get(label)!;
}
