import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the vault lives unless told otherwise: AIRGAP_CA_VAULT, else the
 * platform's app-data folder — the same place the desktop app opens
 * (Linux: $XDG_CONFIG_HOME/airgap-ca/vault or ~/.config/airgap-ca/vault).
 */
export function defaultVaultDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.AIRGAP_CA_VAULT) return resolve(env.AIRGAP_CA_VAULT);
  let appData: string;
  if (platform === 'win32') appData = env.APPDATA ?? join(homedir(), 'AppData', 'Roaming');
  else if (platform === 'darwin') appData = join(homedir(), 'Library', 'Application Support');
  else appData = env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  return join(appData, 'airgap-ca', 'vault');
}

/**
 * Where the CLI writes the detail of a failure (a stack trace, the raw I/O
 * error) that the terminal never shows: AIRGAP_CA_LOG_FILE, else the
 * platform's place for logs (Linux: $XDG_STATE_HOME/airgap-ca/airgap-ca.log
 * or ~/.local/state/airgap-ca/airgap-ca.log). Never on the vault's disk by
 * default: that disk may be the one failing.
 */
export function defaultLogFile(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.AIRGAP_CA_LOG_FILE) return resolve(env.AIRGAP_CA_LOG_FILE);
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'airgap-ca', 'airgap-ca.log');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Logs', 'airgap-ca', 'airgap-ca.log');
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(state, 'airgap-ca', 'airgap-ca.log');
}
