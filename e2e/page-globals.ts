/**
 * The few browser globals the specs touch inside page.evaluate(), typed here
 * so the e2e project compiles without the DOM lib: the specs import the real
 * main-process code (dispatch, core), whose Node crypto types clash with the
 * DOM's. Page-side code casts globalThis to PageGlobals instead of using `window`.
 */
export interface PageElement {
  textContent: string | null;
}

export interface PageStyle {
  backgroundColor: string;
  color: string;
  outlineStyle: string;
  outlineWidth: string;
  outlineColor: string;
  boxShadow: string;
}

export interface PageDocument {
  body: PageElement;
  activeElement: unknown;
  head: { append(node: unknown): void };
  createElement(tag: string): { textContent: string | null };
  addEventListener(type: 'securitypolicyviolation', listener: (e: { violatedDirective: string }) => void, options?: { once?: boolean }): void;
}

export interface PageGlobals extends Record<string, unknown> {
  document: PageDocument;
  getComputedStyle(el: unknown): PageStyle;
}
