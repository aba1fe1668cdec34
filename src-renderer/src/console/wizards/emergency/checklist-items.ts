/** What every participant confirms before the compromised key is replaced. */
export const CHECKLIST = [
  { id: 'holder-contacted', text: "The compromised key's holder has been contacted and the compromise is confirmed." },
  { id: 'offline', text: 'This workstation is offline: no network cable, no wireless.' },
  { id: 'media', text: 'New, empty removable media are at hand for the export package.' },
  { id: 'operators', text: "Every agent's operator knows a new trust bundle is coming and that certificates from the old key stop working." },
] as const;
