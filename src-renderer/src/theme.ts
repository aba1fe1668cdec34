import { createTheme, type Theme } from '@mui/material/styles';

/**
 * The keyboard focus ring: 3 px, apart from the element by a 2 px gap, in a
 * colour that stands out against the page and against a contained primary
 * button (dark blue on light, amber on dark). MUI removes the browser's
 * outline on its controls and shows focus only as a faint ripple.
 */
export function focusRingColor(mode: 'light' | 'dark'): string {
  return mode === 'dark' ? '#ffd54f' : '#0b2f5b';
}

export function buildTheme(mode: 'light' | 'dark'): Theme {
  const ring = { outline: `3px solid ${focusRingColor(mode)}`, outlineOffset: '2px' };
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'dark' ? '#8ab4f8' : '#1a4f8b' },
      secondary: { main: mode === 'dark' ? '#f2b8b5' : '#8c1d18' },
    },
    typography: {
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
    },
    components: {
      // Sentence case: a button reads as its words, not as an all-caps shout; it never breaks onto a second line.
      // A red contained button (Revoke, Remove, Retire & activate) on the dark scheme: white on its light error red is 3.7:1,
      // so it takes a deeper red (white on #c62828 is 5.6:1); on the light scheme error.main already passes (5.0:1).
      MuiButton: {
        defaultProps: { disableElevation: true },
        styleOverrides: { root: { textTransform: 'none', whiteSpace: 'nowrap' } },
        variants: mode === 'dark' ? [{ props: { variant: 'contained', color: 'error' }, style: { color: '#fff', backgroundColor: '#c62828', '&:hover': { backgroundColor: '#b71c1c' } } }] : [],
      },
      // A red filled chip ("Trusts a compromised key", "Failed") on the dark scheme: the same deeper red, for the same reason.
      MuiChip: {
        variants: mode === 'dark' ? [{ props: { variant: 'filled', color: 'error' }, style: { color: '#fff', backgroundColor: '#c62828' } }] : [],
      },
      // Buttons, icon buttons, tabs, list items, checkboxes and radios are all ButtonBase. A file chooser is a
      // button-styled label round a hidden file input (the focusable control): the ring goes round the label.
      MuiButtonBase: { styleOverrides: { root: { '&.Mui-focusVisible, &:focus-visible, &:has(> input[type="file"]:focus-visible)': ring } } },
      MuiLink: { styleOverrides: { root: { '&:focus-visible, &.Mui-focusVisible': ring } } },
      // A text field's focused element is its input, drawn inside the outlined box: the ring goes round the box.
      MuiInputBase: { styleOverrides: { root: { '&:has(:focus-visible)': ring } } },
      // Plain links and focusable regions (a scrolling table, a chip made focusable) outside MUI's controls.
      MuiCssBaseline: { styleOverrides: { 'a:focus-visible, [tabindex]:not([tabindex="-1"]):focus-visible': ring } },
    },
  });
}

/** Key ids, vault ids, paths: one monospace stack everywhere. */
export const MONO_FONT = 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace';
