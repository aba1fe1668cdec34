import { CeremonyKitPanel } from '../CeremonyKitPanel.tsx';
import { ActivationStep } from '../ActivationStep.tsx';
import { useSubCaDraft } from './sub-ca-draft.ts';

/**
 * The printed ceremony kit, offered again before the activation: only now,
 * with the signed chain imported and its corporate root pinned, does the
 * sheet carry every fingerprint of the ceremony (the new key's and the
 * corporate root certificate's) instead of a line to fill in by hand.
 * Written to the CSR's medium when this session wrote the CSR, else to a
 * medium chosen here.
 */
function SubCaKit({ onWritten }: { onWritten(): void }) {
  const { key, folder, imported } = useSubCaDraft();
  if (!key || !imported) return null;
  return <CeremonyKitPanel ceremony="sub-ca" keyId={key.id} chainIn onWritten={onWritten} {...(folder.trim() !== '' ? { folder: folder.trim() } : {})} />;
}

/** The sub-CA's activation, with its ceremony kit before the confirm button. */
export function ActivateStep() {
  return <ActivationStep Kit={SubCaKit} />;
}
