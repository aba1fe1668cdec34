import { createTheme, type Theme } from '@mui/material/styles';

/** Light or dark, as the OS says (prefers-color-scheme). */
export function buildTheme(mode: 'light' | 'dark'): Theme {
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
      MuiButton: { defaultProps: { disableElevation: true } },
    },
  });
}

/** Key ids, vault ids, paths: one monospace stack everywhere. */
export const MONO_FONT = 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace';
