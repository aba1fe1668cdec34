import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { ARTIFACTS_DIR } from '../fixtures/paths.ts';

/** The two laptop sizes and the two colour schemes every console screen is judged at. */
export const LAPTOP_SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 720 },
] as const;
export const SCHEMES = ['light', 'dark'] as const;

export interface ScreenshotTaker {
  /** Saves e2e/artifacts/<spec>/<test>/<NN>-<name>.png and attaches it to the report. */
  take(name: string): Promise<string>;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

export function screenshotTaker(page: Page, testInfo: TestInfo): ScreenshotTaker {
  let n = 0;
  const dir = join(ARTIFACTS_DIR, basename(testInfo.file).replace(/\.spec\.ts$/, ''), slug(testInfo.title));
  return {
    take: async (name) => {
      n += 1;
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${String(n).padStart(2, '0')}-${slug(name)}.png`);
      // A screen that scrolls sideways hides what is to its right (an action, a key's id): never at a laptop size.
      await settled(page);
      const sideways = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(sideways, `"${name}" scrolls sideways by ${sideways} px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
      await testInfo.attach(name, { path, contentType: 'image/png' });
      return path;
    },
  };
}

/**
 * The console follows the system colour scheme through a media query that React hears a frame
 * or more after `emulateMedia`: until the page's own `color-scheme` (set by CssBaseline) says the
 * scheme asked for, the old colours are on screen and no transition has started yet. Waits for
 * that, then for two frames so the new styles are applied and their transitions are running.
 */
async function settled(page: Page): Promise<void> {
  // Polled from outside: the page's CSP forbids the eval that `waitForFunction` needs.
  await expect
    .poll(() => page.evaluate<boolean>("getComputedStyle(document.documentElement).colorScheme === (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')"), {
      message: 'the console took up the colour scheme asked for',
      intervals: [20, 50, 100],
    })
    .toBe(true);
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(undefined))))');
}

export interface A11yChecker {
  /** Runs axe on the page as it is now: no serious or critical violation allowed. */
  check(screen: string): Promise<void>;
}

export function a11yChecker(page: Page, testInfo: TestInfo): A11yChecker {
  return {
    check: async (screen) => {
      // Colours are measured on the settled page: a button that has just become enabled is still
      // fading its colour in (MUI transitions), and axe would sample the contrast mid-way. Endless
      // animations (progress spinners) never finish and are not waited for.
      await settled(page);
      await page.evaluate(
        'Promise.all(document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined))).then(() => undefined)',
      );
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      const summary = bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      await testInfo.attach(`axe ${screen}`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
      expect(summary, `accessibility on "${screen}"`).toEqual([]);
    },
  };
}
