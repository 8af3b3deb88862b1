// Node entry of `losslab`: headless commands over the engine. One file per command.
import { evalCommand } from './eval';
import { HELP } from './help';
import { lintCommand } from './lint';
import { plotCommand } from './plot';
import { runCommand } from './run';
import { inspectCommand } from './inspect';

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  eval: evalCommand,
  lint: lintCommand,
  plot: plotCommand,
  run: runCommand,
  inspect: inspectCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`losslab: unknown command '${name}'\n\n${HELP}`);
    return 2;
  }
  return command(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`losslab: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
