import { KeyWhere } from '../keys/KeyWhere.tsx';
import KeyboardArrowDownIcon from '@mui/icons-material/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@mui/icons-material/KeyboardArrowUp';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Collapse from '@mui/material/Collapse';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useEffect, useState, type ReactNode } from 'react';
import type { KeyView } from '../../../../src-main/api/contract.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { KeyIdChip } from '../../components/KeyIdChip.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { StateChip } from '../../components/StateChip.tsx';
import { useAppStore } from '../../store/index.ts';
import { KeyActionDialog, type KeyAction } from '../keys/KeyActionDialog.tsx';
import { timeLeftText } from '../key-time.ts';
import { shown } from '../../components/shown.ts';
import { officerLine } from '../../components/officer-words.ts';

function When({ iso }: { iso: string | null }) {
  return iso ? <LocalDateTime iso={iso} /> : <span aria-label="none">—</span>;
}

const VISUALLY_HIDDEN = { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', whiteSpace: 'nowrap', clipPath: 'inset(50%)' } as const;

/**
 * One key: a row the officer decides on (name and short id, state, health,
 * actions — always on screen, the name wrapping however long it is), and a
 * row folded under it with the full key id and the dates.
 */
function KeyRows({ k, actions }: { k: KeyView; actions: ReactNode }) {
  const [open, setOpen] = useState(false);
  const detailsId = `key-details-${k.id.replace(/[^a-zA-Z0-9]/g, '')}`;
  return (
    <>
      <TableRow data-testid="key-row" data-key-name={k.name} sx={{ '& > td, & > th': { borderBottom: open ? 0 : undefined } }}>
        <TableCell padding="checkbox">
          <IconButton size="small" aria-expanded={open} aria-controls={detailsId} aria-label={`${open ? 'Hide' : 'Show'} the key id and dates of ${shown(k.name)}`} onClick={() => setOpen((o) => !o)}>
            {open ? <KeyboardArrowUpIcon fontSize="small" /> : <KeyboardArrowDownIcon fontSize="small" />}
          </IconButton>
        </TableCell>
        <TableCell component="th" scope="row" sx={{ overflowWrap: 'anywhere', minWidth: '12ch' }}>
          <Box data-testid="key-row-name">{shown(k.name)}</Box>
          <KeyIdChip id={k.id} name={k.name} />
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          <StateChip state={k.state} compromised={k.retired?.reason === 'compromise'} />
          <Typography variant="caption" component="div" color="text.secondary">
            {k.algorithm}
          </Typography>
          {k.trustedUntil && k.state === 'trusted' ? (
            <Typography variant="caption" component="div" color="text.secondary">
              {timeLeftText(k.trustedUntil)}
            </Typography>
          ) : null}
        </TableCell>
        <TableCell sx={{ minWidth: '10ch' }}>{k.state === 'draft' && k.chainLength === 0 ? 'no certificate yet' : k.health.ok ? 'OK' : officerLine(shown(k.health.problems.join('; ')))}</TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          <Stack direction="row" spacing={0.5} sx={{ flexWrap: 'wrap', '& .MuiButton-root': { whiteSpace: 'nowrap' } }}>
            {actions}
          </Stack>
        </TableCell>
      </TableRow>
      <TableRow data-testid="key-details" id={detailsId}>
        <TableCell colSpan={5} sx={{ py: 0, ...(open ? {} : { borderBottom: 0 }) }}>
          <Collapse in={open} unmountOnExit>
            <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.5, my: 1, '& dt': { color: 'text.secondary' }, '& dd': { m: 0 } }}>
              <dt>Key id</dt>
              <dd>
                <MonoText>{k.id}</MonoText>
              </dd>
              <dt>Not before / Not after</dt>
              <dd>
                <When iso={k.notBefore} /> / <When iso={k.notAfter} />
              </dd>
              <dt>Where the key lives</dt>
              <dd>
                <KeyWhere k={k} testId="key-where" />
              </dd>
              <dt>Trusted until</dt>
              <dd>{k.trustedUntil && k.state === 'trusted' ? <LocalDateTime iso={k.trustedUntil} /> : <span aria-label="none">—</span>}</dd>
            </Box>
          </Collapse>
        </TableCell>
      </TableRow>
    </>
  );
}

const DONE_WORDS: Record<KeyAction, string> = {
  retire: 'retired',
  promote: 'promoted to trusted',
  activate: 'activated',
  stage: 'staged: it is in the trust bundle and signs nothing yet',
  rollback: 'rolled back: the key it replaced is active again',
};

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
              <>
                <Button size="small" onClick={ask('stage')} aria-label={`Stage ${shown(k.name)}`}>
                  Stage…
                </Button>
                <Button size="small" onClick={ask('activate')} aria-label={`Activate ${shown(k.name)}`}>
                  Activate…
                </Button>
              </>
            ) : null}
          </>
        );
      case 'staged':
        return (
          <>
            <Button size="small" onClick={ask('activate')} aria-label={`Activate ${shown(k.name)}`}>
              Activate…
            </Button>
            <Button size="small" color="error" onClick={ask('retire')} aria-label={`Retire ${shown(k.name)}`}>
              Retire…
            </Button>
          </>
        );
      case 'trusted':
        return (
          <Button size="small" color="error" onClick={ask('retire')} aria-label={`Retire ${shown(k.name)}`}>
            Retire…
          </Button>
        );
      case 'retired':
        // A key retired for compromise never goes back into the bundle (the api refuses it too).
        return k.retired?.reason === 'compromise' ? null : (
          <Button size="small" onClick={ask('promote')} aria-label={`Promote ${shown(k.name)}`}>
            Promote…
          </Button>
        );
      case 'active':
        // A rollback needs the key this one replaced, still trusted inside its window.
        return (keys ?? []).some((o) => o.caId === k.caId && o.state === 'trusted' && o.trustedUntil !== null && new Date(o.trustedUntil).getTime() > Date.now()) ? (
          <Button size="small" onClick={ask('rollback')} aria-label={`Roll back from ${shown(k.name)}`}>
            Roll back…
          </Button>
        ) : (
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
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label="Signing keys" sx={{ '& td, & th': { verticalAlign: 'top' } }}>
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <Box component="span" sx={VISUALLY_HIDDEN}>
                  Details
                </Box>
              </TableCell>
              <TableCell>Name</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Health</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(keys ?? []).map((k) => (
              <KeyRows key={k.id} k={k} actions={actionsFor(k)} />
            ))}
            {keys && keys.length === 0 ? (
              <TableRow>
                <TableCell colSpan={5}>No signing keys yet. Start with a new sub-CA key or a standalone root.</TableCell>
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
          onDone={(detail) => {
            setDone(detail ?? `${shown(pending.key.name)}: ${DONE_WORDS[pending.action]}.`);
            setPending(null);
            void loadKeys();
          }}
        />
      ) : null}
    </Box>
  );
}
