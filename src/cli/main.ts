// The `crisp-import` command line. Each command lives in ./commands and registers itself here.
import { Command, CommanderError } from 'commander';
import { CliError, EXIT, jsonErrorLine, wantsJson } from './exit-codes';
import { describeFailure } from './plain-failure';
import { terminalText } from './terminal-text';
import { registerScanCommand } from './commands/scan';
import { registerSandboxCommand } from './commands/sandbox';
import { registerCredentialsCommand } from './commands/credentials';
import { registerRunCommand } from './commands/run';
import { registerJobsCommand } from './commands/jobs';
import { registerUndoCommand } from './commands/undo';
import { limitHeapGrowth } from '../main/engine/heap-growth';

export function buildProgram(): Command {
  const program = new Command('crisp-import')
    .description('Import contact CSV files into Crisp as people profiles.')
    .exitOverride()
    .configureOutput({
      // One plain line per usage error, with the way to get help.
      outputError: (text, write) =>
        write(
          `crisp-import: ${text.trim().replace(/^error: /, '')}. Run crisp-import --help for usage.\n`,
        ),
    })
    .addHelpText(
      'after',
      `
Exit codes:
  0  completed with no failed rows
  1  completed with failed or skipped rows
  2  bad usage or unreadable input
  3  paused (quota spent, connection problem, or Ctrl-C): run the same command again to resume
  4  run: this file was already imported to this website (completed, unchanged since); nothing
     was sent: add --restart to import it again
  (undo: 0 everything undone, 1 some profiles could not be, 3 paused)`,
    );
  registerScanCommand(program);
  registerRunCommand(program);
  registerJobsCommand(program);
  registerUndoCommand(program);
  registerCredentialsCommand(program);
  registerSandboxCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const json = wantsJson(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message (or the help).
      if (error.exitCode === 0) return EXIT.ok;
      if (json) process.stdout.write(jsonErrorLine('usage', commanderMessage(error.message)));
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`crisp-import: ${terminalText(error.message)}\n`);
      if (json) process.stdout.write(jsonErrorLine(error.code, error.message));
      return error.exitCode;
    }
    // Anything else in plain words too (plain-failure.ts): a full disk, a state folder that is
    // a file, an engine error with its own message.
    const failure = describeFailure(error);
    process.stderr.write(`crisp-import: ${terminalText(failure.message)}\n`);
    if (json) process.stdout.write(jsonErrorLine(failure.code, failure.message));
    return failure.exitCode;
  }
}

/** Commander's message on one line, without its "error: " prefix. */
function commanderMessage(message: string): string {
  return message
    .replace(/^error:\s*/i, '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
}

// Output piped into a command that stops reading (`| head`): stop quietly, no stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE')
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

limitHeapGrowth();
const code = await main(process.argv.slice(2));
process.exitCode = code;
