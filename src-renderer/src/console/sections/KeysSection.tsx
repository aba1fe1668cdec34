import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { KeyView } from '../../../../src-main/api/contract.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { KeyIdChip } from '../../components/KeyIdChip.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { StateChip } from '../../components/StateChip.tsx';
import { useAppStore } from '../../store/index.ts';
import { KeyActionDialog, type KeyAction } from '../keys/KeyActionDialog.tsx';
import { timeLeftText } from '../key-time.ts';
import { shown } from '../../components/shown.ts';

function When({ iso }: { iso: string | null }) {
  return iso ? <LocalDateTime iso={iso} /> : <span aria-label="none">—</span>;
}

/** Every signing key with the actions its state allows, and nothing else. */
export function KeysSection() {
  const keys = useAppStore((s) => s.keys);
  const keysError = useAppStore((s) => s.keysError);
  const loadKeys = useAppStore((s) => s.loadKeys);
  const settings = useAppStore((s) => s.settings);
  const loadSettings = useAppStore((s) => s.loadSettings);
  const openWizard = useAppStore((s) => s.openWizard);
  const [pending, setPending] = useState<{ action: KeyAction; key: KeyView } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    void loadKeys();
    void loadSettings();
  }, [loadKeys, loadSettings]);

  const actionsFor = (k: KeyView) => {
    const ask = (action: KeyAction) => () => {
      setDone(null);
      setPending({ action, key: k });
    };
    switch (k.state) {
      case 'draft':
        return (
          <>
            <Button size="small" onClick={() => openWizard(k.selfSigned ? 'root' : 'sub-ca', k.id)} aria-label={`Continue ${shown(k.name)} in its wizard`}>
              Continue
            </Button>
            {k.chainLength > 0 ? (
              <Button size="small" onClick={ask('activate')} aria-label={`Activate ${shown(k.name)}`}>
                Activate…
              </Button>
            ) : null}
          </>
        );
      case 'trusted':
        return (
          <Button size="small" color="error" onClick={ask('retire')} aria-label={`Retire ${shown(k.name)}`}>
            Retire…
          </Button>
        );
      case 'retired':
        return (
          <Button size="small" onClick={ask('promote')} aria-label={`Promote ${shown(k.name)}`}>
            Promote…
          </Button>
        );
      case 'active':
        return (
          <Typography variant="body2" color="text.secondary">
            Signing now
          </Typography>
        );
    }
  };

  return (
    <Box>
      <Stack direction="row" sx={{ mb: 2, alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap', gap: 1 }}>
        <Typography variant="h4" component="h1">
          Signing keys
        </Typography>
        <Stack direction="row" spacing={1}>
          <Button variant="contained" onClick={() => openWizard('sub-ca')}>
            New sub-CA key…
          </Button>
          <Button variant="outlined" onClick={() => openWizard('root')}>
            New standalone root…
          </Button>
        </Stack>
      </Stack>
      {keysError ? <ApiErrorAlert error={keysError} title="The signing keys could not be read" /> : null}
      {done ? (
        <Typography role="status" sx={{ mb: 1 }} data-testid="key-action-done">
          {done}
        </Typography>
      ) : null}
      <TableContainer component={Paper} variant="outlined" sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Signing keys" sx={{ '& td, & th': { whiteSpace: 'nowrap' }, '& td.health': { whiteSpace: 'normal', minWidth: 120 } }}>
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Algorithm</TableCell>
              <TableCell>Key id</TableCell>
              <TableCell>Not before / Not after</TableCell>
              <TableCell>Trusted until</TableCell>
              <TableCell>Health</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(keys ?? []).map((k) => (
              <TableRow key={k.id} data-testid="key-row" data-key-name={k.name}>
                <TableCell component="th" scope="row">
                  {shown(k.name)}
                </TableCell>
                <TableCell>
                  <StateChip state={k.state} />
                </TableCell>
                <TableCell>{k.algorithm}</TableCell>
                <TableCell>
                  <KeyIdChip id={k.id} name={k.name} />
                </TableCell>
                <TableCell>
                  <When iso={k.notBefore} />
                  <br />
                  <When iso={k.notAfter} />
                </TableCell>
                <TableCell>
                  {k.trustedUntil && k.state === 'trusted' ? (
                    <>
                      <LocalDateTime iso={k.trustedUntil} />
                      <Typography variant="caption" component="div" color="text.secondary">
                        {timeLeftText(k.trustedUntil)}
                      </Typography>
                    </>
                  ) : (
                    <span aria-label="none">—</span>
                  )}
                </TableCell>
                <TableCell className="health">{k.state === 'draft' && k.chainLength === 0 ? 'no certificate yet' : k.health.ok ? 'OK' : shown(k.health.problems.join('; '))}</TableCell>
                <TableCell>
                  <Stack direction="row" spacing={0.5}>
                    {actionsFor(k)}
                  </Stack>
                </TableCell>
              </TableRow>
            ))}
            {keys && keys.length === 0 ? (
              <TableRow>
                <TableCell colSpan={8}>No signing keys yet. Start with a new sub-CA key or a standalone root.</TableCell>
              </TableRow>
            ) : null}
          </TableBody>
        </Table>
      </TableContainer>
      {pending ? (
        <KeyActionDialog
          action={pending.action}
          k={pending.key}
          defaultDays={settings?.trustedWindowDays ?? null}
          onClose={() => setPending(null)}
          onDone={() => {
            setDone(`${shown(pending.key.name)}: ${pending.action === 'retire' ? 'retired' : pending.action === 'promote' ? 'promoted to trusted' : 'activated'}.`);
            setPending(null);
            void loadKeys();
          }}
        />
      ) : null}
    </Box>
  );
}
