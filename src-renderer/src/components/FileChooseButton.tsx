import UploadFile from '@mui/icons-material/UploadFile';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import type { ChangeEvent, ReactNode } from 'react';

/**
 * A button that opens the file chooser. It is a label, not a second button:
 * the visually hidden file input inside is the one focusable control (MUI's
 * upload pattern), and the label shows its focus: the theme's 3 px ring.
 */
export function FileChooseButton(props: {
  inputId: string;
  /** What a screen reader announces for the input. */
  inputLabel: string;
  testId: string;
  accept?: string;
  describedBy?: string;
  onChange: (e: ChangeEvent<HTMLInputElement>) => void;
  children: ReactNode;
}) {
  return (
    <Button
      component="label"
      role={undefined}
      tabIndex={-1}
      htmlFor={props.inputId}
      variant="outlined"
      startIcon={<UploadFile />}
    >
      {props.children}
      <Box
        component="input"
        id={props.inputId}
        type="file"
        accept={props.accept}
        aria-describedby={props.describedBy}
        aria-label={props.inputLabel}
        data-testid={props.testId}
        onChange={props.onChange}
        sx={{ position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', clipPath: 'inset(50%)', whiteSpace: 'nowrap', opacity: 0 }}
      />
    </Button>
  );
}
