/** What every participant confirms before the compromised key is replaced. */
export const CHECKLIST = [
  { id: 'holder-contacted', short: 'key holder contacted', text: "The compromised key's holder has been contacted and the compromise is confirmed." },
  { id: 'offline', short: 'workstation offline', text: 'This workstation is offline: no network cable, no wireless.' },
  { id: 'media', short: 'new media at hand', text: 'New, empty removable media are at hand for the export package.' },
  { id: 'operators', short: 'agent operators told', text: "Every agent's operator knows a new trust bundle is coming and that certificates from the old key stop working." },
] as const;
