import LockIcon from '@mui/icons-material/Lock';
import LockOpenIcon from '@mui/icons-material/LockOpen';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import type { SessionStatus } from '../../../src-main/api/contract.ts';
import { shown } from './shown.ts';

/** Always on screen: the app's name, the vault's state, and Lock whenever the vault is open. */
export function AppHeader({ status, onLock, locking }: { status: SessionStatus | null; onLock(): void; locking: boolean }) {
  const unlocked = status?.unlocked === true;
  return (
    <AppBar position="sticky" color="default" elevation={0} sx={{ borderBottom: 1, borderColor: 'divider' }}>
      <Toolbar sx={{ gap: 2 }}>
        <Typography variant="h6" component="div" sx={{ fontWeight: 600 }}>
          Airgap CA
        </Typography>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.75, color: 'text.secondary' }} data-testid="vault-state">
          {unlocked ? <LockOpenIcon fontSize="small" aria-hidden /> : <LockIcon fontSize="small" aria-hidden />}
          <Typography variant="body2">{!status ? '' : unlocked ? `Vault unlocked · ${shown(status.actor)}` : status.vaultExists ? 'Vault locked' : 'No vault yet'}</Typography>
        </Box>
        <Box sx={{ flexGrow: 1 }} />
        {unlocked ? (
          <Button variant="contained" color="secondary" startIcon={<LockIcon />} onClick={onLock} disabled={locking}>
            Lock
          </Button>
        ) : null}
      </Toolbar>
    </AppBar>
  );
}
