import { OPERATION_NAMES } from '../src-main/api/contract.ts';
import { expect, test } from './fixtures/test.ts';
import { ui } from './support/ui.ts';
import type { PageGlobals } from './page-globals.ts';

test('the page sees window.airgap (one function per operation, plus onLocked and onProgress) and no Node or Electron internals', async ({ host }) => {
  const { page } = host;
  await expect(ui(page).createHeading).toBeVisible();
  const shape = await page.evaluate(() => {
    const w = globalThis as unknown as Record<string, unknown>;
    const api = w.airgap as Record<string, unknown>;
    return {
      keys: Object.keys(api).sort(),
      allFunctions: Object.values(api).every((v) => typeof v === 'function'),
      frozen: Object.isFrozen(api),
      leaks: ['require', 'process', 'module', 'ipcRenderer', 'electron', 'Buffer', 'global', '__airgapHostDispatch'].filter((k) => k in w),
    };
  });
  expect(shape.keys).toEqual([...OPERATION_NAMES, 'onLocked', 'onProgress'].sort());
  expect(shape.allFunctions).toBe(true);
  expect(shape.frozen).toBe(true);
  expect(shape.leaks).toEqual([]);
});

test('the Content-Security-Policy applies: our styled components render, an injected style element is refused', async ({ host }) => {
  const { page } = host;
  await expect(ui(page).createHeading).toBeVisible();
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self';");
  expect(csp).toContain("connect-src 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');

  // emotion's nonce'd styles apply: the contained button is coloured.
  const buttonBg = await ui(page).createButton.evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).backgroundColor);
  expect(buttonBg).not.toBe('rgba(0, 0, 0, 0)');

  const injected = await page.evaluate(async () => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const violation = new Promise<string>((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true }));
    const style = document.createElement('style');
    style.textContent = 'body { background: rgb(255, 0, 0) !important; }';
    document.head.append(style);
    return { directive: await violation, background: getComputedStyle(document.body).backgroundColor };
  });
  expect(injected.directive).toMatch(/^style-src/);
  expect(injected.background).not.toBe('rgb(255, 0, 0)');
  // The refusal was logged as a console error; that one is expected here.
  const expected = host.problems.filter((p) => p.includes('Content Security Policy'));
  expect(expected.length).toBeGreaterThan(0);
  host.problems.splice(0, host.problems.length, ...host.problems.filter((p) => !p.includes('Content Security Policy')));
});
