import { useEffect } from 'react';
import type { ActivationView, KeyDetailView, KeyView } from '../../../../src-main/api/contract.ts';
import type { KeyBasics } from './KeyBasicsFields.tsx';
import { IN_THE_VAULT, type KeyLocation } from './key-location.ts';
import { useWizard, useWizardField, type WizardControl } from './wizard-state.ts';
import { NOTHING_REFUSED, type CheckedFields } from './field-check.ts';

/** A key name the vault refused as taken, with its words. */
export interface TakenName {
  name: string;
  code: 'KEY_NAME_TAKEN';
  message: string;
}

/**
 * The create step's answer when the vault refused the name: back to the
 * basics, where the refusal stands under the name field until the name is
 * changed. True when it was that refusal.
 */
export function backToNameIfTaken(r: { ok: boolean; code?: string; message?: string }, name: string, setTakenName: (t: TakenName) => void, goBasics: () => void): boolean {
  if (r.ok || r.code !== 'KEY_NAME_TAKEN') return false;
  setTakenName({ name: name.trim(), code: 'KEY_NAME_TAKEN', message: r.message ?? '' });
  goBasics();
  return true;
}

/** The wizards that make a new signing key: they share the basics, the activation and its result. */
export type KeyWizardId = 'root' | 'sub-ca';

/** The steps every key wizard has (the sub-CA wizard adds its CSR and chain steps between create and review). */
export type KeyStepId = 'basics' | 'create' | 'review' | 'activate' | 'done';

/** The choices and answers both key wizards keep over an auto-lock: the basics, the key once created, the activation. */
export function useKeyDraft(wizard: KeyWizardId) {
  const [basics, setBasics] = useWizardField<KeyBasics>(wizard, 'basics', { name: '', algorithm: 'ecdsa-p256', subject: '' });
  const [key, setKey] = useWizardField<KeyView | null>(wizard, 'key', null);
  const [location, setLocation] = useWizardField<KeyLocation>(wizard, 'location', IN_THE_VAULT);
  const [activation, setActivation] = useWizardField<ActivationView | null>(wizard, 'activation', null);
  // The vault refused the name when the key was to be made (KEY_NAME_TAKEN): said at the name field, for that name only.
  const [takenName, setTakenName] = useWizardField<TakenName | null>(wizard, 'takenName', null);
  // The basics step's subject and validity as the main process refused them on Next: said at their fields, for those values only.
  const [refused, setRefused] = useWizardField<CheckedFields>(wizard, 'refused', NOTHING_REFUSED);
  return { basics, setBasics, location, setLocation, key, setKey, activation, setActivation, takenName, setTakenName, refused, setRefused };
}

/** The key wizard whose frame a shared step is in. */
export function useKeyWizard() {
  const control = useWizard<KeyStepId>();
  // Only the key wizards' tables hold the shared key steps.
  return { control, draft: useKeyDraft(control.wizard as KeyWizardId) };
}

/**
 * A key wizard opened for an existing draft loads it, once: while the
 * wizard's draft holds no key. After that the draft is the wizard's memory,
 * so a reopen after an auto-lock carries on where it was. `then` (stable)
 * says where the loaded key puts the wizard.
 */
export function useResumeKey<Id extends string>(wizard: KeyWizardId, control: WizardControl<Id>, resumeKeyId: string | null, then: (key: KeyDetailView) => void) {
  const { key, setKey, setBasics } = useKeyDraft(wizard);
  const loaded = key !== null;
  const { run } = control;
  useEffect(() => {
    if (!resumeKeyId || loaded) return;
    void run('key.show', { key: resumeKeyId }).then((r) => {
      if (!r.ok) return;
      setKey(r.value);
      setBasics((b) => ({ ...b, name: r.value.name, subject: r.value.subject ?? '' }));
      then(r.value);
    });
  }, [resumeKeyId, loaded, run, setKey, setBasics, then]);
}
