import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import axe from 'axe-core';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { ARTIFACTS_DIR } from '../fixtures/paths.ts';

/** The two laptop sizes and the two colour schemes every console screen is judged at. */
export const LAPTOP_SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 720 },
] as const;
export const SCHEMES = ['light', 'dark'] as const;

export type Size = { readonly width: number; readonly height: number };
export type Scheme = (typeof SCHEMES)[number];

export interface ScreenshotTaker {
  /** Saves e2e/artifacts/<spec>/<test>/<NN>-<name>.png (the whole page, or with `fullPage: false` the window only) and attaches it to the report. */
  take(name: string, opts?: { fullPage?: boolean }): Promise<string>;
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
    take: async (name, opts) => {
      n += 1;
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${String(n).padStart(2, '0')}-${slug(name)}.png`);
      // A screen that scrolls sideways hides what is to its right (an action, a key's id): never at a laptop size.
      await settled(page);
      const sideways = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(sideways, `"${name}" scrolls sideways by ${sideways} px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path, fullPage: opts?.fullPage ?? true, animations: 'disabled', caret: 'hide' });
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

/** What axe checks on every screen. Only violations are collected: passes and incomplete results are never looked at, and building them costs more than the rules. */
const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  resultTypes: ['violations'],
} as const;

/**
 * axe-core, put into the page once (again after a reload) and run there with axe.run. Not
 * @axe-core/playwright's analyze(): that evaluates axe's 500 kB source again on every call and
 * opens, fills and closes a blank page to finish each run — five times the cost of the rules
 * themselves, for the same violations (the app has no frames for its per-frame runs to reach).
 */
async function runAxe(page: Page): Promise<axe.AxeResults> {
  if (!(await page.evaluate<boolean>("typeof globalThis.axe?.run === 'function'"))) await page.evaluate(axe.source);
  return page.evaluate<axe.AxeResults>(`axe.run(document, ${JSON.stringify(AXE_OPTIONS)})`);
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
      const results = await runAxe(page);
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      const summary = bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      await testInfo.attach(`axe ${screen}`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
      expect(summary, `accessibility on "${screen}"`).toEqual([]);
    },
  };
}

/** Switches the colour scheme and waits until the console has re-rendered in it, so axe does not sample a theme mid-change. */
export async function useScheme(page: Page, colorScheme: Scheme): Promise<void> {
  await page.emulateMedia({ colorScheme });
  await expect(page.locator('body')).toHaveCSS('background-color', colorScheme === 'dark' ? 'rgb(18, 18, 18)' : 'rgb(255, 255, 255)');
}

/** One of the looks a screen is judged at. */
export interface Look {
  colorScheme: Scheme;
  size: Size;
  /** "1024x768 dark" */
  label: string;
}

export interface LookOptions {
  /** Runs at each look before axe and the screenshot: what must hold at that size and scheme (in view, on one line…). */
  each?: (look: Look) => Promise<void>;
  /** The window only, not the whole page: for what must be in view without scrolling. */
  fullPage?: boolean;
  /** Scrolled to the top first: the app bar is sticky, and a full-page shot taken scrolled down draws it mid-page. */
  scrollTop?: boolean;
  /** The sizes; the two laptop sizes unless said. */
  sizes?: readonly Size[];
}

/** Judges the screen as it is at every size in both schemes: the checks in `each`, axe, a screenshot `<name> <size> <scheme>` each. Back to light at the first laptop size afterwards. */
export async function everyLook(page: Page, a11y: A11yChecker, shots: ScreenshotTaker, name: string, opts: LookOptions = {}): Promise<void> {
  for (const colorScheme of SCHEMES) {
    await useScheme(page, colorScheme);
    for (const size of opts.sizes ?? LAPTOP_SIZES) {
      await page.setViewportSize(size);
      if (opts.scrollTop) await page.evaluate('scrollTo(0, 0)');
      const look = { colorScheme, size, label: `${size.width}x${size.height} ${colorScheme}` };
      await opts.each?.(look);
      await a11y.check(`${name}, ${look.label}`);
      await shots.take(`${name} ${look.label}`, { fullPage: opts.fullPage ?? true });
    }
  }
  await useScheme(page, 'light');
  await page.setViewportSize(LAPTOP_SIZES[0]);
}
