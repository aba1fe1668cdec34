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
