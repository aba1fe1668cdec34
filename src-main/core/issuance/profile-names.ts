/** The certificate profile names, free of Node imports so the api contract (and the renderer's types) can use them. */
export const PROFILE_NAMES = ['agent', 'server', 'sub-ca', 'ocsp-signer', 'bootstrap'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];
