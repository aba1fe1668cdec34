import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useEffect, useMemo, useState } from 'react';
import { ApiErrorAlert } from './components/ApiErrorAlert.tsx';
import { AppHeader } from './components/AppHeader.tsx';
import { useFocusKeeper } from './components/focus-keeper.ts';
import { ConsoleScreen } from './screens/ConsoleScreen.tsx';
import { CreateVaultScreen } from './screens/CreateVaultScreen.tsx';
import { UnlockScreen } from './screens/UnlockScreen.tsx';
import { useAppStore } from './store/index.ts';
import { buildTheme } from './theme.ts';

/** While unlocked, ask the api every 10 s: it locks an idle session and says why. */
const STATUS_POLL_MS = 10_000;

function useSessionTracking(unlocked: boolean) {
  const refreshStatus = useAppStore((s) => s.refreshStatus);
  useEffect(() => {
    void refreshStatus();
    return window.airgap.onLocked(() => void refreshStatus());
  }, [refreshStatus]);
  useEffect(() => {
    if (!unlocked) return undefined;
    const timer = window.setInterval(() => void refreshStatus(), STATUS_POLL_MS);
    return () => window.clearInterval(timer);
  }, [unlocked, refreshStatus]);
}

function Screen() {
  const status = useAppStore((s) => s.status);
  const statusError = useAppStore((s) => s.statusError);
  const refreshStatus = useAppStore((s) => s.refreshStatus);
  if (!status) {
    return (
      <Box sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 2, p: 6 }}>
        {statusError ? (
          <>
            <ApiErrorAlert error={statusError} title="The vault's state could not be read" />
            <Button variant="outlined" onClick={() => void refreshStatus()}>
              Try again
            </Button>
          </>
        ) : (
          <CircularProgress aria-label="Opening Airgap CA" />
        )}
      </Box>
    );
  }
  if (status.unlocked) return <ConsoleScreen status={status} />;
  if (!status.vaultExists) {
    return (
      <Box component="main">
        <CreateVaultScreen vaultDir={status.vaultDir} />
      </Box>
    );
  }
  return (
    <Box component="main">
      <UnlockScreen key={status.vaultId ?? 'vault'} status={status} />
    </Box>
  );
}

export function App() {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  const theme = useMemo(() => buildTheme(prefersDark ? 'dark' : 'light'), [prefersDark]);
  const status = useAppStore((s) => s.status);
  const lock = useAppStore((s) => s.lock);
  const [locking, setLocking] = useState(false);
  useSessionTracking(status?.unlocked === true);
  useFocusKeeper();

  const onLock = async () => {
    setLocking(true);
    await lock();
    setLocking(false);
  };

  return (
    <ThemeProvider theme={theme}>
      <CssBaseline enableColorScheme />
      <AppHeader status={status} onLock={() => void onLock()} locking={locking} />
      <Screen />
    </ThemeProvider>
  );
}
