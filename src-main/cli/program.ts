import { Command, CommanderError } from 'commander';
import { auditCommand } from './commands/audit.ts';
import { bundleCommand, keyCommand } from './commands/key.ts';
import { caCommand } from './commands/ca.ts';
import { ceremonyCommand } from './commands/ceremony.ts';
import { certCommand, crlCommand } from './commands/cert.ts';
import { exportCommand, mediaCommand } from './commands/media.ts';
import { fleetCommand } from './commands/fleet.ts';
import { vaultCommand } from './commands/vault.ts';
import { tokenCommand } from './commands/token.ts';
import { EXIT } from './exit-codes.ts';
import { makeAction, processRuntime, type CliRuntime } from './context.ts';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Commander settings are per command: apply them down the tree (usage errors throw; output goes to the runtime). */
function configureTree(cmd: Command, rt: CliRuntime): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: rt.stdout, writeErr: rt.stderr });
  for (const sub of cmd.commands) configureTree(sub, rt);
}

/** The airgap-ca command line (docs/cli.md): common options, then one group per domain. */
export function buildProgram(rt: CliRuntime = processRuntime): Command {
  const action = makeAction(rt);
  const program = new Command('airgap-ca')
    .description('Offline certificate authority: encrypted key vault, rotation ceremonies, trust bundles and CRLs on removable media.')
    .option('--vault <DIR>', 'the vault folder (default: AIRGAP_CA_VAULT or the app-data folder)')
    .option('--ca <NAME>', 'the CA of the vault that key, cert, crl, bundle, export and audit checkpoint commands work on (default: AIRGAP_CA_CA, or the only CA); repeat for export media/verify', collect)
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--actor <NAME>', 'who is acting, for the audit log (default: AIRGAP_CA_ACTOR or the OS user)')
    .option('--passphrase-file <FILE>', 'read the vault passphrase from FILE (or set AIRGAP_CA_PASSPHRASE)')
    .option('--pin-file <FILE>', 'read the PKCS#11 token user PIN from FILE (or set AIRGAP_CA_PIN; else asked on a terminal)')
    .option('--share <FILE>', 'a custodian share file; repeat once per share', collect)
    .option('--witness <NAME>', 'a witness of this ceremony step; repeatable', collect)
    .showHelpAfterError()
    .exitOverride();

  for (const group of [vaultCommand(action), caCommand(action), keyCommand(action), certCommand(action), crlCommand(action), bundleCommand(action), exportCommand(action), mediaCommand(action), fleetCommand(action), auditCommand(action), ceremonyCommand(action), tokenCommand(action)]) program.addCommand(group);
  configureTree(program, rt);
  return program;
}

/** Commander reports usage errors by throwing (exitOverride): map them to exit 2, help/version to 0. */
export async function runCli(argv: string[], rt: CliRuntime = processRuntime): Promise<void> {
  const program = buildProgram(rt);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      const benign = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help';
      if (!benign && argv.includes('--json')) rt.stdout(JSON.stringify({ error: { code: 'INVALID_INPUT', message: e.message } }) + '\n');
      rt.setExitCode(benign ? EXIT.ok : EXIT.usage);
      return;
    }
    throw e;
  }
}
