import { useEffect } from 'react';

/**
 * A button pressed from the keyboard is disabled while its action runs (busy),
 * and the browser takes the focus off a disabled element: it falls to the
 * page, and the officer's next Tab starts again at the top of the window. The
 * keeper remembers the control that lost the focus that way and gives it back
 * when the control is enabled again, provided it is still in the page and
 * nothing else has taken the focus meanwhile (a step heading, a field, a
 * click). A control that goes away with its action (a step that changes, an
 * Eject replaced by "Safe to remove") is for its component to hand on.
 */
export function useFocusKeeper(): void {
  useEffect(() => {
    let lost: HTMLElement | null = null;
    let watched: HTMLElement | null = null;
    const lostToPage = () => document.activeElement === null || document.activeElement === document.body;
    const disabled = (el: HTMLElement) => el.matches(':disabled');
    const onFocusIn = (e: FocusEvent) => {
      watched = e.target instanceof HTMLElement ? e.target : null;
      lost = null;
    };
    const onFocusOut = (e: FocusEvent) => {
      // Blurred by being disabled, not by the officer moving on: nothing receives the focus.
      if (e.relatedTarget === null && e.target instanceof HTMLElement && disabled(e.target)) lost = e.target;
    };
    const observer = new MutationObserver(() => {
      // The focused control just became disabled (the browser may blur it only at its next rendering step).
      if (watched && watched === document.activeElement && disabled(watched)) lost = watched;
      if (!lost) return;
      if (!lost.isConnected) {
        lost = null;
        return;
      }
      if (!disabled(lost)) {
        const el = lost;
        lost = null;
        if (lostToPage()) el.focus();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
    document.addEventListener('focusin', onFocusIn);
    document.addEventListener('focusout', onFocusOut);
    return () => {
      observer.disconnect();
      document.removeEventListener('focusin', onFocusIn);
      document.removeEventListener('focusout', onFocusOut);
    };
  }, []);
}
