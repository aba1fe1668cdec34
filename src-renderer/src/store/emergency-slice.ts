import type { StateCreator } from 'zustand';
import type { ActivationView, CeremonyOutcome, CeremonyRecordView, ExportVerifyView, ExportView, KeyView, OpInput, PresentedWitnessView } from '../../../src-main/api/contract.ts';
import { call, consoleCaName, type ApiFailure } from '../api.ts';
import { IN_THE_VAULT, keyCreateInput, onTokenText, type KeyLocation } from '../console/wizards/key-location.ts';
import type { AppStore } from './index.ts';

export type NewRootAlgorithm = NonNullable<OpInput<'key.create'>['algorithm']>;

/** One line of the ceremony's transcript, as ceremony.record takes it. */
export interface TranscriptLine {
  at: string;
  step: string;
  by: string;
  detail: string;
  failed: boolean;
}

/** The ceremony's steps, in order (the wizard's step table lists them with their labels). */
export type EmergencyStepId = 'participants' | 'checklist' | 'new-key' | 'confirm' | 'activated' | 'export' | 'transcript';

export interface NewRootForm {
  name: string;
  algorithm: NewRootAlgorithm;
  subject: string;
  /** Where the new root's private key lives: in the vault, or generated on a PKCS#11 token (never its PIN). */
  location: KeyLocation;
}

export interface EmergencyCeremony {
  /** The officer who started it (the session's actor then); a different officer must start over. */
  officer: string | null;
  startedAt: string | null;
  step: EmergencyStepId;
  witnesses: string[];
  /** Confirm with custodian shares (a quorum vault): the activation uses the shares presented, one medium each. */
  useWitnessShares: boolean;
  /** The shares presented so far, as the main process holds them (index, holder, folder; never a share). */
  witnessShares: PresentedWitnessView | null;
  /** "participant\u0000item id" -> acknowledged. */
  acks: Record<string, boolean>;
  keyChoice: 'draft' | 'new';
  draftId: string | null;
  newRoot: NewRootForm;
  /** The root created by this ceremony (key.create done; certified once key.selfSign answered). */
  createdKey: KeyView | null;
  createdKeyCertified: boolean;
  typedId: string;
  /** The compromised key as it was just before activation. */
  oldKey: KeyView | null;
  activation: ActivationView | null;
  mediumPath: string | null;
  exported: ExportView | null;
  verified: ExportVerifyView | null;
  exportSkipped: boolean;
  /** The medium the package was written to has been ejected through the platform. */
  ejected: boolean;
  /** Stopped before the end: the transcript says so. */
  stopped: boolean;
  log: TranscriptLine[];
  recorded: CeremonyRecordView | null;
}

export interface EmergencySlice {
  emergency: EmergencyCeremony;
  /** One api call at a time; the buttons that start one are disabled meanwhile. */
  emergencyBusy: string | null;
  /** retryButton: the button to press again once fixed on this step (a token PIN typed again beside it). */
  emergencyError: { error: ApiFailure; title: string; retryButton?: string } | null;
  startEmergency(officer: string): void;
  resetEmergency(): void;
  patchEmergency(patch: Partial<EmergencyCeremony>): void;
  setEmergencyAck(participant: string, item: string, value: boolean): void;
  logEmergency(step: string, by: string, detail: string, failed?: boolean): void;
  clearEmergencyError(): void;
  /** `pin`: the token's user PIN when the new root goes on a token, handed to the session first (never kept in the store). */
  createEmergencyRoot(pin?: string): Promise<boolean>;
  activateEmergency(newKey: KeyView, oldKey: KeyView): Promise<boolean>;
  exportEmergency(to: string): Promise<boolean>;
  recordEmergency(outcome: CeremonyOutcome): Promise<boolean>;
}

export const ACK_SEPARATOR = '\u0000';

/** The new-key step's button that creates the root (a refusal names it: press it again once fixed). */
export const CREATE_ROOT = 'Create the new root now';

function fresh(): EmergencyCeremony {
  return {
    officer: null,
    startedAt: null,
    step: 'participants',
    witnesses: [''],
    useWitnessShares: false,
    witnessShares: null,
    acks: {},
    keyChoice: 'draft',
    draftId: null,
    newRoot: { name: '', algorithm: 'ecdsa-p384', subject: '', location: IN_THE_VAULT },
    createdKey: null,
    createdKeyCertified: false,
    typedId: '',
    oldKey: null,
    activation: null,
    mediumPath: null,
    exported: null,
    verified: null,
    exportSkipped: false,
    ejected: false,
    stopped: false,
    log: [],
    recorded: null,
  };
}

export function namedWitnesses(c: EmergencyCeremony): string[] {
  return c.witnesses.map((w) => w.trim()).filter(Boolean);
}

/** "share 3 (Edsger), share 1 (holder not recorded)": the custodian shares as the transcript names them. */
export function shareHolders(shares: ReadonlyArray<{ index: number; holder: string | null }>): string {
  return shares.map((s) => `share ${s.index} (${s.holder ?? 'holder not recorded'})`).join(', ');
}

/** The witness shares the main process holds are given up with the ceremony that presented them. */
function dropWitnessShares(c: EmergencyCeremony): void {
  if (c.witnessShares) void call('vault.dropWitnessShares', {});
}

/**
 * The emergency rotation ceremony in progress. It lives in the store, not in
 * the wizard, so an auto-lock in the middle (witnesses reading a checklist
 * take longer than the idle minutes) loses nothing: unlock and carry on.
 * Each api call it makes is written to the transcript, failures included.
 */
export const createEmergencySlice: StateCreator<AppStore, [], [], EmergencySlice> = (set, get) => {
  const patch = (p: Partial<EmergencyCeremony>) => set((s) => ({ emergency: { ...s.emergency, ...p } }));
  const log = (step: string, by: string, detail: string, failed = false) =>
    set((s) => ({ emergency: { ...s.emergency, log: [...s.emergency.log, { at: new Date().toISOString(), step, by, detail, failed }] } }));
  const officer = () => get().emergency.officer ?? '';
  const fail = (title: string, step: string, error: ApiFailure, retryButton?: string) => {
    log(step, officer(), `${error.code}: ${error.message}`, true);
    set({ emergencyError: { error, title, ...(retryButton !== undefined ? { retryButton } : {}) } });
  };

  return {
    emergency: fresh(),
    emergencyBusy: null,
    emergencyError: null,
    startEmergency: (name) => {
      dropWitnessShares(get().emergency);
      set({ emergency: { ...fresh(), officer: name, startedAt: new Date().toISOString() }, emergencyError: null });
    },
    resetEmergency: () => {
      dropWitnessShares(get().emergency);
      set({ emergency: fresh(), emergencyError: null, emergencyBusy: null });
    },
    patchEmergency: patch,
    setEmergencyAck: (participant, item, value) => set((s) => ({ emergency: { ...s.emergency, acks: { ...s.emergency.acks, [participant + ACK_SEPARATOR + item]: value } } })),
    logEmergency: log,
    clearEmergencyError: () => set({ emergencyError: null }),

    createEmergencyRoot: async (pin) => {
      const c = get().emergency;
      const { location } = c.newRoot;
      set({ emergencyBusy: location.kind === 'token' && !c.createdKey ? 'Creating the new root on the token…' : 'Creating the new root…', emergencyError: null });
      try {
        let key = c.createdKey;
        if (!key) {
          if (location.kind === 'token' && pin !== undefined) {
            // The token tries the PIN before anything is made; held only when it took it.
            const p = await call('token.checkPin', { token: { serial: location.serial }, pin });
            if (!p.ok) {
              fail('The token PIN was not taken', `new root: token ${location.label} (serial ${location.serial}) refused the PIN`, p, CREATE_ROOT);
              return false;
            }
          }
          const r = await call('key.create', keyCreateInput(c.newRoot.name, c.newRoot.algorithm, location));
          if (!r.ok) {
            fail('The new root key was not created', location.kind === 'token' ? `new root: create on token ${location.label} (serial ${location.serial}) failed` : 'new root: create failed', r, CREATE_ROOT);
            return false;
          }
          key = r.value;
          patch({ createdKey: key, draftId: null });
          log('new root: key created', officer(), `draft "${key.name}" ${key.id} (${key.algorithm}), ${key.token ? onTokenText(key.token).replace(/^On/, 'on') + ', not extractable' : 'in the vault'}`);
        }
        const s = await call('key.selfSign', { key: key.id, subject: c.newRoot.subject });
        if (!s.ok) {
          fail('The new root key exists, but its certificate was not made', 'new root: self-sign failed', s);
          return false;
        }
        patch({ createdKey: s.value, createdKeyCertified: true });
        log('new root: self-signed', officer(), `${s.value.subject ?? ''}; valid until ${s.value.notAfter ?? '?'}`);
        await get().loadKeys();
        return true;
      } finally {
        set({ emergencyBusy: null });
      }
    },

    activateEmergency: async (newKey, oldKey) => {
      const c = get().emergency;
      const witnesses = namedWitnesses(c);
      set({ emergencyBusy: 'Activating the new key…', emergencyError: null });
      log('typed confirmation', officer(), `typed the last two groups of ${newKey.name}'s fingerprint (${newKey.id}) as read from the paper record, to retire ${oldKey.name} (${oldKey.id})`);
      try {
        const r = await call('key.activate', { key: newKey.id, emergency: true, witnesses, ...(c.useWitnessShares ? { presentedWitnessShares: true } : {}) });
        if (!r.ok) {
          // A refusal of the shares keeps them presented; any other refusal came after the check and gave them up.
          if (c.useWitnessShares) {
            const held = await call('vault.witnessShares', {});
            patch({ witnessShares: held.ok ? held.value : null });
          }
          fail('The emergency activation was refused; nothing changed', 'activation failed', r);
          return false;
        }
        const a = r.value;
        patch({ activation: a, oldKey, witnessShares: null });
        if (a.witnessShares) {
          log('custodian shares', officer(), `${a.witnessShares.shares.length} shares of quorum slot ${a.witnessShares.slotId} (${a.witnessShares.threshold} of ${a.witnessShares.total} needed) checked against the vault: ${shareHolders(a.witnessShares.shares)}`);
        }
        const crls = a.finalCrls.map((f) => `final CRL #${f.number} (${f.entries} entr${f.entries === 1 ? 'y' : 'ies'}) for ${f.issuerKeyId}`).join('; ');
        log('emergency activation', officer(), `${a.activated.name} (${a.activated.id}) active; ${a.previous?.name ?? oldKey.name} retired; ${a.revokedCount} certificate${a.revokedCount === 1 ? '' : 's'} revoked (keyCompromise); ${crls || 'no final CRL'}; witnesses ${witnesses.join(', ')}`);
        await get().loadKeys();
        return true;
      } finally {
        set({ emergencyBusy: null });
      }
    },

    exportEmergency: async (to) => {
      set({ emergencyBusy: 'Writing the export package…', emergencyError: null });
      try {
        const r = await call('export.media', { to, ca: consoleCaName() });
        if (!r.ok) {
          fail('The export package was not written', 'export failed', r);
          return false;
        }
        patch({ exported: r.value, verified: null });
        log('export written', officer(), `${r.value.files.length} files written to ${r.value.dir}; manifest sha256 ${r.value.manifestSha256}`);
        set({ emergencyBusy: 'Reading the package back…' });
        const v = await call('export.verify', { dir: r.value.dir });
        if (!v.ok) {
          fail('The export package could not be checked', 'export verification failed', v);
          return false;
        }
        patch({ verified: v.value });
        if (v.value.ok) log('export verified', officer(), `read back: the ${v.value.files} files listed in the signed manifest match`);
        else log('export verification failed', officer(), v.value.problems.map((p) => `${p.file ?? 'package'}: ${p.message}`).join('; '), true);
        return v.value.ok;
      } finally {
        set({ emergencyBusy: null });
      }
    },

    recordEmergency: async (outcome) => {
      const c = get().emergency;
      set({ emergencyBusy: 'Recording the transcript…', emergencyError: null });
      try {
        const r = await call('ceremony.record', {
          kind: 'emergency-rotation',
          participants: { officer: officer(), witnesses: namedWitnesses(c) },
          steps: c.log.map(({ at, step, by, detail }) => ({ at, step, by, detail })),
          outcome,
        });
        if (!r.ok) {
          // Not logged in the transcript: it is the transcript that failed. The officer can retry.
          set({ emergencyError: { error: r, title: 'The transcript was not recorded' } });
          return false;
        }
        patch({ recorded: r.value });
        return true;
      } finally {
        set({ emergencyBusy: null });
      }
    },
  };
};
