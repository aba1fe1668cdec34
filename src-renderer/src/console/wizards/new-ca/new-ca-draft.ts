import type { CreatedCaView } from '../../../../../src-main/api/contract.ts';
import type { KeyBasics } from '../KeyBasicsFields.tsx';
import { IN_THE_VAULT, type KeyLocation } from '../key-location.ts';
import { useWizard, useWizardField } from '../wizard-state.ts';

export type NewCaStepId = 'basics' | 'key' | 'create' | 'done';

/** What ca.create answered: the CA, and with a parent its first key and that key's certificate serial. */
export type CreatedCa = CreatedCaView;

/** A name the vault refused as taken, the field it belongs to and the vault's words. */
export interface TakenNewCaName {
  field: 'caName' | 'keyName';
  name: string;
  code: 'CA_NAME_TAKEN' | 'KEY_NAME_TAKEN';
  message: string;
}

/** The new-CA wizard's control, inside its frame. */
export const useNewCaWizard = () => useWizard<NewCaStepId>();

/** The new CA's choices and the api's answer, kept over an auto-lock. */
export function useNewCaDraft() {
  const [name, setName] = useWizardField('new-ca', 'name', '');
  const [purpose, setPurpose] = useWizardField('new-ca', 'purpose', '');
  /** '': a CA of its own; else the name of the CA of this vault whose active key certifies the new CA's first key. */
  const [parent, setParent] = useWizardField('new-ca', 'parent', '');
  const [key, setKey] = useWizardField<KeyBasics>('new-ca', 'key', { name: '', algorithm: 'ecdsa-p256', subject: '' });
  const [days, setDays] = useWizardField('new-ca', 'days', '');
  // Where the first key's private half lives: in the vault, or generated on a token (the PIN is never kept here).
  const [location, setLocation] = useWizardField<KeyLocation>('new-ca', 'location', IN_THE_VAULT);
  const [created, setCreated] = useWizardField<CreatedCa | null>('new-ca', 'created', null);
  // A name the vault refused when creating (CA_NAME_TAKEN, KEY_NAME_TAKEN): said at its field, for that name only.
  const [taken, setTaken] = useWizardField<TakenNewCaName | null>('new-ca', 'taken', null);
  return { name, setName, purpose, setPurpose, parent, setParent, key, setKey, days, setDays, location, setLocation, created, setCreated, taken, setTaken, issuing: parent !== '' };
}
