import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import { useEffect } from 'react';
import { MonoText } from '../components/MonoText.tsx';
import { useAppStore } from '../store/index.ts';

/** Right after a quorum vault is created: where the custodian share files went. Shown above every section until the session ends. */
export function SharesWrittenNotice() {
  const shareFiles = useAppStore((s) => s.createdShareFiles);
  const info = useAppStore((s) => s.vaultInfo);
  const loadVaultInfo = useAppStore((s) => s.loadVaultInfo);
  const quorum = info?.slots.find((s) => s.type === 'quorum');
  useEffect(() => {
    if (shareFiles.length > 0 && !info) void loadVaultInfo();
  }, [shareFiles.length, info, loadVaultInfo]);
  if (shareFiles.length === 0) return null;
  return (
    <Box sx={{ mb: 3 }}>
      <Alert severity="success" data-testid="share-files-written">
        <AlertTitle>Custodian share files written</AlertTitle>
        Give one file to each custodian and keep the files apart{quorum?.threshold ? `: any ${quorum.threshold} of them unlock the vault` : ''}.
        <Box component="ul" sx={{ m: 0, mt: 1, pl: 2.5 }}>
          {shareFiles.map((f) => (
            <li key={f}>
              <MonoText>{f}</MonoText>
            </li>
          ))}
        </Box>
      </Alert>
    </Box>
  );
}
