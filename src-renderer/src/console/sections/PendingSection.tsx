import Typography from '@mui/material/Typography';

/** A section whose screen is being built: its title only. Replaced by the real screen in sections.tsx. */
export function PendingSection({ title }: { title: string }) {
  return (
    <Typography variant="h4" component="h1">
      {title}
    </Typography>
  );
}
