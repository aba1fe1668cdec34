import type { ChainCheckView } from '../../../../../src-main/api/contract.ts';
import { fileNameFor } from '../algorithms.ts';
import { chainSource } from '../ChainSourceField.tsx';
import { useKeyDraft, type KeyStepId } from '../key-wizard.ts';
import { useWizard, useWizardField } from '../wizard-state.ts';

export type SubCaStepId = KeyStepId | 'csr' | 'source';

/** The sub-CA wizard's control, inside its frame. */
export const useSubCaWizard = () => useWizard<SubCaStepId>();

/** The sub-CA's CSR, its chain and its check, kept over an auto-lock; with what the steps derive from them. */
export function useSubCaDraft() {
  const keyDraft = useKeyDraft('sub-ca');
  const [folder, setFolder] = useWizardField('sub-ca', 'folder', '');
  const [csrFile, setCsrFile] = useWizardField<string | null>('sub-ca', 'csrFile', null);
  const [path, setPath] = useWizardField('sub-ca', 'path', '');
  const [picked, setPicked] = useWizardField<{ name: string; base64: string } | null>('sub-ca', 'picked', null);
  const [check, setCheck] = useWizardField<ChainCheckView | null>('sub-ca', 'check', null);
  // The CSR's medium was ejected in this session: the later kit asks for its medium again.
  const [csrEjected, setCsrEjected] = useWizardField('sub-ca', 'csrEjected', false);
  const [imported, setImported] = useWizardField('sub-ca', 'imported', false);
  // What the officer typed from the corporate PKI's published fingerprint; the main process compares it with the chain's root.
  const [rootTyped, setRootTyped] = useWizardField('sub-ca', 'rootTyped', '');
  return {
    ...keyDraft,
    folder, setFolder, csrFile, setCsrFile, path, setPath, picked, setPicked, check, setCheck, imported, setImported, csrEjected, setCsrEjected, rootTyped, setRootTyped,
    csrPath: folder.trim() === '' ? '' : `${folder.trim().replace(/[\\/]+$/, '')}/${fileNameFor(keyDraft.basics.name)}.csr`,
    source: chainSource(path, picked),
    // A root the vault does not pin yet is stored only with the published fingerprint typed (the main process compares it).
    rootUntyped: check?.root !== undefined && !check.root.pinned && rootTyped.trim() === '',
  };
}
