/**
 * The renderer's Content-Security-Policy, in one place: the build writes it
 * into index.html's <meta> tag and the main process sends it as a response
 * header too (electron.vite.config.ts, window.ts).
 *
 * style-src carries a nonce instead of 'unsafe-inline': MUI styles through
 * emotion, which injects <style> elements at run time. The renderer gives
 * emotion the nonce Vite writes into <meta property="csp-nonce">, so only the
 * style elements our own bundle creates apply. The app is a static bundle
 * loaded from file:// (no server to mint a nonce per response), so the nonce
 * is random per build; what it buys is that injected markup cannot add a
 * style sheet, which 'unsafe-inline' would allow.
 */
export interface CspOptions {
  /** base64 nonce for emotion's <style> elements. */
  styleNonce: string;
  /** Only for `electron-vite dev`: the Vite dev server (HMR needs its websocket). */
  devServerOrigin?: string | null;
}

export function cspDirectives(opts: CspOptions): Array<[string, string]> {
  const dev = opts.devServerOrigin ?? null;
  const devWs = dev ? dev.replace(/^http/, 'ws') : null;
  return [
    ['default-src', "'none'"],
    ['script-src', dev ? `'self' 'nonce-${opts.styleNonce}'` : "'self'"],
    ['style-src', `'self' 'nonce-${opts.styleNonce}'`],
    ['img-src', "'self' data:"],
    ['font-src', "'self'"],
    ['connect-src', dev && devWs ? `${dev} ${devWs}` : "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ];
}

/** The full policy, for the response header. */
export function contentSecurityPolicy(opts: CspOptions): string {
  return cspDirectives(opts)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

/**
 * The same policy for the <meta> tag, minus frame-ancestors: browsers ignore
 * that directive in a <meta> element (CSP3 section 6.1) and log an error for it;
 * the header carries it.
 */
export function metaContentSecurityPolicy(opts: CspOptions): string {
  return cspDirectives(opts)
    .filter(([k]) => k !== 'frame-ancestors')
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}
