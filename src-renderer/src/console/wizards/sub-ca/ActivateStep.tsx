import { CeremonyKitPanel } from '../CeremonyKitPanel.tsx';
import { ActivationStep } from '../ActivationStep.tsx';
import { useSubCaDraft } from './sub-ca-draft.ts';

/**
 * The printed ceremony kit, offered again before the activation: only now,
 * with the signed chain imported and its corporate root pinned, does the
 * sheet carry every fingerprint of the ceremony (the new key's and the
 * corporate root certificate's) instead of a line to fill in by hand.
 * Written to the CSR's medium when this session wrote the CSR and did not
 * eject it, else to a medium chosen here; ejected after the write either way.
 */
function SubCaKit({ onFinished }: { onFinished(): void }) {
  const { key, folder, imported, csrEjected } = useSubCaDraft();
  if (!key || !imported) return null;
  return <CeremonyKitPanel ceremony="sub-ca" keyId={key.id} chainIn onFinished={onFinished} {...(folder.trim() !== '' && !csrEjected ? { folder: folder.trim() } : {})} />;
}

/** The sub-CA's activation, with its ceremony kit before the confirm button. */
export function ActivateStep() {
  return <ActivationStep Kit={SubCaKit} />;
}
