import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import { useEffect } from 'react';
import { useAppStore } from '../store/index.ts';

/** Subscribes to the api's progress reports while mounted; answers the latest one for `operation`. */
export function useOperationProgress(operation: string) {
  const trackProgress = useAppStore((s) => s.trackProgress);
  useEffect(() => trackProgress(), [trackProgress]);
  return useAppStore((s) => s.progress[operation] ?? null);
}

/** A labelled progress bar for long work: "done of total", the item being worked on, and the percentage. */
export function OperationProgress({ operation, label, running }: { operation: string; label: string; running: boolean }) {
  const ev = useOperationProgress(operation);
  const percent = ev && ev.total > 0 ? Math.round((ev.done / ev.total) * 100) : running ? 0 : 0;
  return (
    <Box sx={{ my: 2 }}>
      <Typography id={`progress-${operation}`} variant="body2" gutterBottom>
        {label}
      </Typography>
      <LinearProgress variant={ev ? 'determinate' : 'indeterminate'} value={percent} aria-labelledby={`progress-${operation}`} aria-valuetext={ev ? `${ev.done} of ${ev.total}` : 'starting'} data-testid="operation-progress" sx={{ height: 10, borderRadius: 1 }} />
      <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }} data-testid="operation-progress-text" aria-live="polite">
        {ev ? `${ev.done} of ${ev.total} (${percent}%)${ev.item ? ` — ${ev.item}` : ''}` : running ? 'Starting…' : ''}
      </Typography>
    </Box>
  );
}
