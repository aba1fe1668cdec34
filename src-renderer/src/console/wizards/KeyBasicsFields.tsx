import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import type { KeyAlgorithm } from './algorithms.ts';
import { ALGORITHMS, ALGORITHM_LABELS } from './algorithms.ts';
import type { ReactNode } from 'react';

export interface KeyBasics {
  name: string;
  algorithm: KeyAlgorithm;
  subject: string;
}

/**
 * Name, algorithm and subject DN of a new key. The step checks the subject with
 * the main process on Next (input.check) and passes its refusal as
 * `subjectError`, shown under the field until the subject is edited.
 */
export function KeyBasicsFields({ value, onChange, nameLocked, subjectHelp, nameError = null, subjectError = null }: { value: KeyBasics; onChange(v: KeyBasics): void; nameLocked: boolean; subjectHelp: string; nameError?: ReactNode; subjectError?: ReactNode }) {
  return (
    <Stack spacing={2}>
      <TextField label="Key name" value={value.name} onChange={(e) => onChange({ ...value, name: e.target.value })} disabled={nameLocked} error={nameError !== null} helperText={nameError ?? 'How the key is listed in the console and in the audit log.'} required />
      <FormControl disabled={nameLocked}>
        <InputLabel id="key-algorithm-label">Algorithm</InputLabel>
        <Select labelId="key-algorithm-label" label="Algorithm" value={value.algorithm} onChange={(e) => onChange({ ...value, algorithm: e.target.value as KeyAlgorithm })}>
          {ALGORITHMS.map((a) => (
            <MenuItem key={a} value={a}>
              {ALGORITHM_LABELS[a]}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <TextField label="Subject DN" value={value.subject} onChange={(e) => onChange({ ...value, subject: e.target.value })} error={subjectError !== null} helperText={subjectError ?? subjectHelp} required slotProps={{ htmlInput: { spellCheck: false } }} />
    </Stack>
  );
}
