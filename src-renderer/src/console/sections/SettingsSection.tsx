import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, type ReactNode } from 'react';
import type { SessionStatus } from '../../../../src-main/api/contract.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { useAppStore } from '../../store/index.ts';
import { ChangePassphraseForm } from '../settings/ChangePassphraseForm.tsx';
import { KeySlotsPanel, slotText } from '../settings/KeySlotsPanel.tsx';
import { PolicySettingsForm } from '../settings/PolicySettingsForm.tsx';
import { shown } from '../../components/shown.ts';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box component="div" sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '180px 1fr' }, gap: 1, py: 0.75 }}>
      <Typography component="dt" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" sx={{ m: 0 }}>
        {typeof children === 'string' ? shown(children) : children}
      </Typography>
    </Box>
  );
}

/** One titled panel of the settings page. */
function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper variant="outlined" sx={{ p: 3 }} component="section" aria-labelledby={`${id}-heading`}>
      <Typography id={`${id}-heading`} variant="h6" component="h2" gutterBottom>
        {title}
      </Typography>
      {typeof children === 'string' ? shown(children) : children}
    </Paper>
  );
}

/** Settings: the vault's identity and who is acting; trusted window, CRL validity, auto-lock; the passphrase and the key slots. */
export function SettingsSection({ status }: { status: SessionStatus }) {
  const info = useAppStore((s) => s.vaultInfo);
  const infoError = useAppStore((s) => s.vaultInfoError);
  const loadVaultInfo = useAppStore((s) => s.loadVaultInfo);

  useEffect(() => {
    void loadVaultInfo();
  }, [loadVaultInfo, status.vaultId]);

  return (
    <Box sx={{ maxWidth: 960 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        Settings
      </Typography>
      <Stack spacing={3}>
        <Panel id="vault" title="Vault">
          <Box component="dl" sx={{ m: 0 }}>
            <Fact label="Vault id">
              <MonoText>{status.vaultId ?? ''}</MonoText>
            </Fact>
            <Fact label="Acting officer">
              <span>{shown(status.actor)}</span>
            </Fact>
            {info?.created ? (
              <Fact label="Created">
                <LocalDateTime iso={info.created} />
              </Fact>
            ) : null}
            <Fact label="Folder">
              <MonoText>{status.vaultDir}</MonoText>
            </Fact>
            <Fact label="Auto-lock">after {status.autoLockMinutes} minutes without activity</Fact>
            {info ? (
              <Fact label="Key slots">
                {info.slots.map(slotText).join('; ')}
              </Fact>
            ) : null}
            {info?.counts ? (
              <Fact label="Contents">
                {info.counts.keys} signing keys, {info.counts.certificates} certificates, {info.counts.auditEvents} audit events
              </Fact>
            ) : null}
          </Box>
          {infoError ? <ApiErrorAlert error={infoError} title="The vault's details could not be read" /> : null}
        </Panel>
        <Panel id="policy" title="Policies">
          <PolicySettingsForm />
        </Panel>
        <Panel id="passphrase" title="Change passphrase">
          <ChangePassphraseForm />
        </Panel>
        <Panel id="slots" title="Key slots">
          <KeySlotsPanel />
        </Panel>
      </Stack>
    </Box>
  );
}
