import type { KeyView } from '../../../../../src-main/api/contract.ts';
import { ActivationStep } from '../ActivationStep.tsx';
import { shown } from '../../../components/shown.ts';

/** A root replacing a root: the previous one signs a link certificate, so agents that trust only it still reach the new one. */
function linkNote(previous: KeyView, keyName: string): string | null {
  return previous.selfSigned ? `${shown(previous.name)} is a root too: it will sign a link certificate for ${shown(keyName)}, so agents that trust only ${shown(previous.name)} can still build a path to the new root.` : null;
}

/** The activation of the new root, with what happens to the root it replaces. */
export function ActivateStep() {
  return <ActivationStep linkNote={linkNote} />;
}
