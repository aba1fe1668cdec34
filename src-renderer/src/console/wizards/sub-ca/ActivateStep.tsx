import type { RefObject } from 'react';
import { CeremonyKitPanel } from '../CeremonyKitPanel.tsx';
import { ActivationStep } from '../ActivationStep.tsx';
import { useSubCaDraft } from './sub-ca-draft.ts';

/**
 * The sub-CA's activation, with the printed ceremony kit offered again
 * before it: only now, with the signed chain imported and its corporate root
 * pinned, does the sheet carry every fingerprint of the ceremony (the new
 * key's and the corporate root certificate's) instead of a line to fill in
 * by hand. Written to the CSR's medium when this session wrote the CSR, else
 * to a medium chosen here.
 */
export function ActivateStep() {
  const { key, folder, imported } = useSubCaDraft();
  const kit =
    key && imported
      ? (activate: RefObject<HTMLButtonElement | null>) => <CeremonyKitPanel ceremony="sub-ca" keyId={key.id} chainIn focusAfter={activate} {...(folder.trim() !== '' ? { folder: folder.trim() } : {})} />
      : undefined;
  return <ActivationStep kit={kit} />;
}
