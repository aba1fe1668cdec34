import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useRef, useState, type ComponentType } from 'react';
import type { ActivationView, BundleView, KeyView, Settings } from '../../../../src-main/api/contract.ts';
import { KeyIdChip } from '../../components/KeyIdChip.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { StateChip } from '../../components/StateChip.tsx';
import { useAppStore } from '../../store/index.ts';
import { useKeyWizard } from './key-wizard.ts';
import { StepActions, StepRefusal } from './WizardFrame.tsx';
import { shown } from '../../components/shown.ts';

const DAY_MS = 86_400_000;

interface Before {
  previous: KeyView | null;
  settings: Settings;
  bundle: BundleView;
  /** When the previous active key's window would end if activated now (display only; the api sets the real date). */
  trustedUntil: string;
}

function BundleList({ label, keys }: { label: string; keys: Array<{ id: string; name: string; state: string }> }) {
  return (
    <Box component="section" aria-label={label} sx={{ flex: 1 }} data-testid={label === 'Trust bundle now' ? 'bundle-before' : 'bundle-after'}>
      <Typography variant="subtitle2" component="h3">
        {label}
      </Typography>
      {keys.length === 0 ? <Typography color="text.secondary">Empty.</Typography> : null}
      <Box component="ul" sx={{ pl: 2.5, my: 0.5 }}>
        {keys.map((k) => (
          <li key={k.id}>
            {shown(k.name)} ({k.state}) <KeyIdChip id={k.id} name={k.name} />
          </li>
        ))}
      </Box>
    </Box>
  );
}

/**
 * The activation step of the key wizards: what activating will do (the
 * previous active key becomes trusted until a date, the bundle before and
 * after), one confirm button, then on to the result. `linkNote` adds a line
 * about the previous active key (a root signs a link certificate for a new root);
 * `Kit` is the printed ceremony kit offered before the confirm button; its
 * `onWritten` hands the focus to the confirm button once the kit is written.
 */
export function ActivationStep({ linkNote, Kit }: { linkNote?: (previous: KeyView, keyName: string) => string | null; Kit?: ComponentType<{ onWritten(): void }> }) {
  const loadKeys = useAppStore((s) => s.loadKeys);
  const { control, draft } = useKeyWizard();
  const { go, run, busy } = control;
  const { key, setActivation } = draft;
  const keyId = key?.id ?? '';
  const keyName = key?.name ?? '';
  const [before, setBefore] = useState<Before | null>(null);
  const activateButton = useRef<HTMLButtonElement>(null);
  const focusActivate = useCallback(() => activateButton.current?.focus(), []);

  useEffect(() => {
    let live = true;
    // With no active key yet the bundle is simply empty (NO_ACTIVE_KEY); any other refusal is shown.
    void Promise.all([run('key.list', {}), run('settings.get', {}), run('bundle.preview', {}, { handles: ['NO_ACTIVE_KEY'] })]).then(([keys, settings, bundle]) => {
      if (!live || !keys.ok || !settings.ok || (!bundle.ok && bundle.code !== 'NO_ACTIVE_KEY')) return;
      const current: BundleView = bundle.ok ? bundle.value : { pem: '', keys: [], certificates: 0 };
      const trustedUntil = new Date(Date.now() + settings.value.trustedWindowDays * DAY_MS).toISOString();
      setBefore({ previous: keys.value.find((k) => k.state === 'active') ?? null, settings: settings.value, bundle: current, trustedUntil });
    });
    return () => {
      live = false;
    };
  }, [keyId, run]);

  const activate = async () => {
    const r = await run('key.activate', { key: keyId });
    if (!r.ok) return;
    void loadKeys();
    setActivation(r.value);
    go('done');
  };

  if (!key) return null;
  const trustedUntil = before?.trustedUntil ?? null;
  const after = before
    ? [...before.bundle.keys.filter((k) => k.id !== keyId).map((k) => (k.id === before.previous?.id ? { ...k, state: 'trusted' } : k)), { id: keyId, name: keyName, state: 'active' }]
    : [];
  const link = before?.previous && linkNote ? linkNote(before.previous, keyName) : null;

  return (
    <Stack spacing={2}>
      {before ? (
        <Alert severity="info" data-testid="activation-effect">
          <AlertTitle>What activating {shown(keyName)} does</AlertTitle>
          <Box component="ul" sx={{ pl: 2.5, my: 0 }}>
            <li>{shown(keyName)} becomes the only active key: it signs certificates and CRLs from now on.</li>
            {before.previous && trustedUntil ? (
              <li>
                {shown(before.previous.name)}, active now, becomes <strong>trusted until about <LocalDateTime iso={trustedUntil} /></strong> ({before.settings.trustedWindowDays} days, the trusted window in Settings), then can be retired.
              </li>
            ) : (
              <li>There is no active key now; nothing else changes state.</li>
            )}
            {link ? <li>{link}</li> : null}
          </Box>
        </Alert>
      ) : null}
      {before ? (
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={3}>
          <BundleList label="Trust bundle now" keys={before.bundle.keys} />
          <BundleList label="Trust bundle after activation" keys={after} />
        </Stack>
      ) : null}
      {Kit ? <Kit onWritten={focusActivate} /> : null}
      <StepRefusal title={before ? 'Activation was refused; nothing changed' : 'The effect of activation could not be worked out'} />
      <StepActions onBack={() => go('review')}>
        <Button variant="contained" disabled={busy || !before} onClick={() => void activate()} ref={activateButton}>
          Activate {shown(keyName)}
        </Button>
      </StepActions>
    </Stack>
  );
}

/** The last step of the key wizards: the result of the activation, then on to the export. */
export function ActivationResultStep() {
  const openWizard = useAppStore((s) => s.openWizard);
  const closeWizard = useAppStore((s) => s.closeWizard);
  const { activation } = useKeyWizard().draft;
  return activation ? <ActivationResult v={activation} onExport={() => openWizard('export')} onClose={closeWizard} /> : null;
}

/** What the api reports after activation: the new active key, the previous one's new state, the bundle. */
function ActivationResult({ v, onExport, onClose }: { v: ActivationView; onExport(): void; onClose(): void }) {
  return (
    <Stack spacing={2}>
      <Alert severity="success" data-testid="activation-result">
        <AlertTitle>{shown(v.activated.name)} is active</AlertTitle>
        <Stack spacing={0.5}>
          <span>
            <StateChip state={v.activated.state} /> <KeyIdChip id={v.activated.id} name={v.activated.name} />
          </span>
          {v.previous ? (
            <span data-testid="activation-previous">
              {shown(v.previous.name)} is now {v.previous.state}
              {v.previous.trustedUntil ? (
                <>
                  {' '}
                  until <LocalDateTime iso={v.previous.trustedUntil} />
                </>
              ) : null}
              .
            </span>
          ) : null}
          {v.linkCertificate ? <span data-testid="link-certificate">A link certificate was signed by {v.previous ? shown(v.previous.name) : 'the previous root'} for the new root; it travels in the trust bundle.</span> : null}
          <span data-testid="bundle-count">The trust bundle now holds {v.bundleKeyIds.length} key{v.bundleKeyIds.length === 1 ? '' : 's'}.</span>
        </Stack>
      </Alert>
      <Typography>Agents only learn about the new key from an export. Write the trust bundle and CRLs to removable media now.</Typography>
      <Stack direction="row" spacing={1}>
        <Button variant="contained" onClick={onExport}>
          Export to removable media…
        </Button>
        <Button onClick={onClose}>Finish without exporting</Button>
      </Stack>
    </Stack>
  );
}
