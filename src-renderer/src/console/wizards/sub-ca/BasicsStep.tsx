import { KeyBasicsStep } from '../KeyBasicsStep.tsx';

/** Name, algorithm and subject of the new sub-CA. */
export function BasicsStep() {
  return <KeyBasicsStep subjectHelp='The sub-CA’s name as the corporate root will sign it, e.g. "CN=Acme Agents CA,O=Acme".' />;
}
