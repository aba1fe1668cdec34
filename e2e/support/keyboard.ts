/**
 * A keyboard-only officer: focus moves with Tab and Shift+Tab only (never a
 * programmatic focus or a click), presses are Enter, Space and the arrows,
 * and wherever focus lands it shows the 3 px ring.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { PageGlobals } from '../page-globals.ts';
import { everyLook, type A11yChecker, type LookOptions, type ScreenshotTaker } from './evidence.ts';
import { OFFICER, PASSPHRASE, ui } from './ui.ts';

/** The ring as computed on `el` (or, for a text field, a checkbox or a file chooser's hidden input, on its visible box): an outline in a visible style. */
export async function ringOf(el: Locator): Promise<{ style: string; width: string; color: string; shadow: string }> {
  return el.evaluate((node) => {
    const box = node.closest('.MuiInputBase-root') ?? (node.closest('.MuiCheckbox-root, .MuiRadio-root, .MuiSwitch-switchBase, label.MuiButtonBase-root') as typeof node | null) ?? node;
    const s = (globalThis as unknown as PageGlobals).getComputedStyle(box);
    return { style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor, shadow: s.boxShadow };
  });
}

/** One element has focus and draws the 3 px ring. */
export async function expectRing(page: Page): Promise<void> {
  const focused = page.locator(':focus');
  await expect(focused).toHaveCount(1);
  const ring = await ringOf(focused);
  expect(ring.style, 'the focused element draws an outline').not.toBe('none');
  expect(ring.width).toBe('3px');
}

const isFocused = (target: Locator) => target.evaluate((n) => n === (globalThis as unknown as PageGlobals).document.activeElement);

/** Presses Tab (or Shift+Tab, `back`) until `target` has focus (at most `max` presses); the ring shows there. */
export async function tabTo(page: Page, target: Locator, { back = false, max = 60 }: { back?: boolean; max?: number } = {}): Promise<void> {
  await expect(target).toBeVisible();
  for (let i = 0; i < max; i += 1) {
    if (await isFocused(target)) {
      await expectRing(page);
      return;
    }
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  if (await isFocused(target)) {
    await expectRing(page);
    return;
  }
  throw new Error(`${back ? 'Shift+Tab' : 'Tab'} never reached the element in ${max} presses`);
}

/** Tabs to `target` and presses `key` on it (Enter for a button, Space for a checkbox or a radio). */
export async function tabAndPress(page: Page, target: Locator, key = 'Enter', opts: { back?: boolean; max?: number } = {}): Promise<void> {
  await tabTo(page, target, opts);
  await page.keyboard.press(key);
}

/** Tabs to a text field, selects what it holds and types `text` over it. */
export async function tabAndType(page: Page, field: Locator, text: string, opts: { back?: boolean; max?: number } = {}): Promise<void> {
  await tabTo(page, field, opts);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/**
 * axe and a screenshot at both laptop sizes, light and dark (everyLook), with the ring checked at each: the
 * element the officer left the focus on keeps it through every theme switch, resize and full-page screenshot,
 * and still has it afterwards, so the officer's next key press lands where it would without the judging.
 * `fullPage: false` takes the window only (a step with a bar pinned to the bottom of the window).
 */
export async function judgedWithRing(page: Page, a11y: A11yChecker, shots: ScreenshotTaker, name: string, opts: Pick<LookOptions, 'fullPage'> = {}): Promise<void> {
  const left = await page.evaluateHandle(() => (globalThis as unknown as PageGlobals).document.activeElement);
  const stillThere = async (when: string) => {
    const same = await left.evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement);
    expect(same, `"${name}": the focus stays where the officer left it (${when})`).toBe(true);
    await expectRing(page);
  };
  try {
    // Scrolled to the top for the full-page shots (the sticky app bar drawn mid-page otherwise): scrolling moves no focus.
    await everyLook(page, a11y, shots, name, { ...opts, scrollTop: true, each: (look) => stillThere(look.label) });
    await stillThere('after the last look');
  } finally {
    await left.dispose();
  }
}

/** Unlocks with the passphrase by keyboard only: the officer's name, Tab, the passphrase, Enter. */
export async function unlockByKeyboard(page: Page, officer = OFFICER, passphrase = PASSPHRASE): Promise<void> {
  const u = ui(page);
  await expect(u.unlockHeading).toBeVisible();
  await tabAndType(page, u.officerName, officer);
  await tabAndType(page, u.passphrase, passphrase);
  await page.keyboard.press('Enter');
  await expect(u.consoleHeading).toBeVisible();
}

/**
 * Tabs to `target`, judges the screen with the ring on it (judgedWithRing, which also holds the focus did not
 * move through the theme switches, resizes and full-page screenshots), then presses `key` there.
 */
export async function judgeAndPress(page: Page, a11y: A11yChecker, shots: ScreenshotTaker, target: Locator, name: string, key = 'Enter'): Promise<void> {
  await tabTo(page, target);
  await judgedWithRing(page, a11y, shots, name);
  await page.keyboard.press(key);
}

/**
 * After an async step (a write, a check, an eject) the focus is on `target`,
 * showing the ring: not lost to the top of the page, where the next Tab would
 * start from the navigation again.
 */
export async function expectFocusOn(page: Page, target: Locator): Promise<void> {
  await expect(target).toBeFocused();
  await expectRing(page);
}
