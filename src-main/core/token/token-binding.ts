/** Where a token key lives (table token_keys), as the store reads it and the contract's KeyView.token shows it. */
export interface TokenBinding {
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
  /** CKA_ID, lowercase hex. */
  ckaId: string;
  ckaLabel: string;
  /** Made on the token by "key create --token", taken over by "key adopt", or put there by "key import --token". */
  origin: 'generated' | 'adopted' | 'imported';
}
