import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useEffect, useRef } from 'react';
import type { SessionStatus } from '../../../src-main/api/contract.ts';
import Alert from '@mui/material/Alert';
import { ApiErrorAlert } from '../components/ApiErrorAlert.tsx';
import { MonoText } from '../components/MonoText.tsx';
import { CaSwitcher } from '../console/cas/CaSwitcher.tsx';
import { SECTIONS, WIZARDS } from '../console/sections.tsx';
import { ShareDelivery } from '../console/ShareDelivery.tsx';
import { useAppStore } from '../store/index.ts';
import { shown } from '../components/shown.ts';

/**
 * The unlocked console: a navigation list on the left, the chosen section (or
 * an open wizard) on the right, and the vault and the acting officer always
 * named at the top of the navigation.
 */
export function ConsoleScreen({ status }: { status: SessionStatus }) {
  const section = useAppStore((s) => s.section);
  const wizard = useAppStore((s) => s.wizard);
  const wizardKeyId = useAppStore((s) => s.wizardKeyId);
  const goTo = useAppStore((s) => s.goTo);
  const current = SECTIONS.find((s) => s.id === section) ?? SECTIONS[0]!;
  const caName = useAppStore((s) => s.caName);
  const casError = useAppStore((s) => s.casError);
  const loadCas = useAppStore((s) => s.loadCas);
  // Every section and wizard works in one CA: nothing is shown before the vault's CAs are read.
  useEffect(() => {
    void loadCas();
  }, [loadCas]);
  // A wizard that opens or closes starts at the top: a finished ceremony must not leave the
  // dashboard scrolled past its alarms.
  useEffect(() => {
    document.scrollingElement?.scrollTo({ top: 0 });
  }, [wizard]);
  // A wizard closed from the keyboard (Escape, Close wizard, Done) takes the focused control with it: the keyboard
  // goes on from the top of the section it returns to, not from the top of the window.
  const main = useRef<HTMLElement>(null);
  const hadWizard = useRef(wizard !== null);
  useEffect(() => {
    const closed = hadWizard.current && wizard === null;
    hadWizard.current = wizard !== null;
    if (closed && (document.activeElement === null || document.activeElement === document.body)) main.current?.focus();
  }, [wizard]);

  return (
    <Box sx={{ display: 'flex', alignItems: 'stretch', minHeight: 'calc(100vh - 64px)' }}>
      <Paper component="nav" aria-label="Console sections" square variant="outlined" sx={{ width: 240, flexShrink: 0, borderTop: 0, borderBottom: 0, borderLeft: 0 }}>
        <Box sx={{ px: 2, pt: 2, pb: 1 }}>
          <Typography variant="caption" color="text.secondary" component="div">
            Vault
          </Typography>
          <MonoText testId="vault-id">{status.vaultId ?? ''}</MonoText>
          <CaSwitcher />
          <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }}>
            Acting officer
          </Typography>
          <Typography variant="body2" data-testid="actor">
            {shown(status.actor)}
          </Typography>
        </Box>
        <List>
          {SECTIONS.map((s) => (
            <ListItem key={s.id} disablePadding>
              <ListItemButton selected={!wizard && s.id === section} aria-current={!wizard && s.id === section ? 'page' : undefined} onClick={() => goTo(s.id)}>
                <ListItemText primary={s.label} />
              </ListItemButton>
            </ListItem>
          ))}
        </List>
      </Paper>
      <Box component="main" ref={main} tabIndex={-1} sx={{ flexGrow: 1, minWidth: 0, px: 4, py: 3, outline: 'none' }}>
        <ShareDelivery />
        {casError ? <ApiErrorAlert error={casError} title="The certificate authorities of this vault could not be read" /> : null}
        {caName === null ? (
          casError ? null : <Alert severity="info">Reading the certificate authorities of this vault…</Alert>
        ) : wizard ? (
          WIZARDS[wizard].render(wizardKeyId)
        ) : (
          // Keyed by the CA: a switch starts each section afresh, with nothing read for the previous CA.
          <Box key={caName}>{current.render(status)}</Box>
        )}
      </Box>
    </Box>
  );
}
