// `crisp-import undo <job-id>`: takes an import back (src/main/engine/import-undo). Credentials as
// for `run`; the website and the API address come from the job.
import { resolve as resolvePath } from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { resolveStateDir } from '../../main/engine/app-settings/state-dir';
import { resolveCrispConnection } from '../../main/engine/credentials';
import type { CrispConnection } from '../../main/engine/crisp-client';
import {
  ImportJobStore,
  JobNotFoundError,
  UnreadableJobError,
  type ImportJobRecord,
} from '../../main/engine/import-jobs';
import { runUndo, type UndoSummary } from '../../main/engine/import-undo';
import { wholeNumber } from '../cli-options';
import { CliError, EXIT } from '../exit-codes';
import { terminalText } from '../terminal-text';

const UndoArgs = z.object({
  job: z.string().min(1, 'say which import to undo (crisp-import jobs lists them)'),
  stateDir: z.string().optional(),
  json: z.boolean().optional(),
  overwriteChanged: z.boolean().optional(),
  exitOnWait: z.boolean().optional(),
  dailyBudget: wholeNumber('--daily-budget', 1, 100_000_000).optional(),
  reserve: wholeNumber('--reserve', 0, 100_000_000).optional(),
  timeout: wholeNumber('--timeout', 100, 600_000).optional(),
  initialRate: wholeNumber('--initial-rate', 1, 100_000).optional(),
});
type UndoArgs = z.infer<typeof UndoArgs>;

export function registerUndoCommand(program: Command): void {
  program
    .command('undo')
    .description(
      'Undo an import: delete the profiles it created and give the ones it updated back what they held (imports run with --undoable). Profiles changed in Crisp since are left alone and listed. Run it again to continue after a pause.',
    )
    .argument('<job-id>', 'the import to undo (crisp-import jobs lists them)')
    .option('--state-dir <dir>', "where jobs are kept (default: the desktop app's folder)")
    .option('--json', 'print one JSON object at the end instead of text')
    .option('--overwrite-changed', 'undo profiles changed in Crisp since the import too')
    .option('--exit-on-wait', 'exit (code 3) instead of waiting when the quota is spent')
    .option('--daily-budget <n>', 'requests a day the undo may use')
    .option('--reserve <n>', 'requests a day left for other tools on the same token')
    .addOption(new Option('--timeout <ms>', 'HTTP timeout per request').hideHelp())
    .addOption(
      new Option('--initial-rate <n>', 'requests a second per route at the start').hideHelp(),
    )
    .addHelpText(
      'after',
      `
Credentials come from CRISP_IDENTIFIER, CRISP_KEY and CRISP_TIER, else from the keychain.

Exit codes: 0 everything was undone; 1 some profiles could not be (changed since the import,
failed, or updated by an import run without --undoable); 2 bad usage or an unknown import;
3 paused (quota, connection, Ctrl-C): run the same command again to continue.`,
    )
    .action(async (job: string, options: Record<string, unknown>) => {
      const parsed = UndoArgs.safeParse({ ...options, job });
      if (!parsed.success)
        throw new CliError(parsed.error.issues.map((issue) => issue.message).join('; '));
      process.exitCode = await undoImport(parsed.data);
    });
}

async function undoImport(args: UndoArgs): Promise<number> {
  const json = args.json === true;
  const say = (text: string): void => {
    if (!json) process.stdout.write(`${terminalText(text)}\n`);
  };
  const store = new ImportJobStore(resolvePath(args.stateDir ?? resolveStateDir()));
  const job = await loadJob(store, args.job);
  let connection: CrispConnection;
  try {
    connection = await resolveCrispConnection({
      websiteId: job.websiteId,
      ...(job.apiUrl ? { apiUrl: job.apiUrl } : {}),
      env: process.env,
    });
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.usage, 'connection_unavailable');
  }
  const stop = new AbortController();
  const onSignal = (): void => {
    say('Pausing the undo: run the same command again to continue.');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let lastLine = 0;
  let summary: UndoSummary;
  try {
    summary = await runUndo({
      store,
      jobId: job.id,
      connection,
      signal: stop.signal,
      overwriteChanged: args.overwriteChanged === true,
      stopOnWait: args.exitOnWait === true,
      ...(args.dailyBudget !== undefined ? { dailyBudget: args.dailyBudget } : {}),
      ...(args.reserve !== undefined ? { reserve: args.reserve } : {}),
      ...(args.timeout !== undefined ? { timeoutMs: args.timeout } : {}),
      ...(args.initialRate !== undefined ? { initialRate: args.initialRate } : {}),
      onWaiting: say,
      onState: (state) => {
        if (typeof state === 'object') say(state.message);
      },
      onProgress: (p) => {
        if (json || Date.now() - lastLine < 1000) return;
        lastLine = Date.now();
        process.stderr.write(`Undoing: ${p.done} of ${p.total} profiles, ${p.requests} requests\n`);
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else tellSummary(summary, say);
  if (summary.state === 'paused') return EXIT.paused;
  const left = summary.changedSince + summary.failed + summary.cannotRestore;
  return left > 0 ? EXIT.completedWithProblems : EXIT.ok;
}

async function loadJob(store: ImportJobStore, id: string): Promise<ImportJobRecord> {
  try {
    return await store.load(id);
  } catch (error) {
    if (error instanceof JobNotFoundError || error instanceof UnreadableJobError)
      throw new CliError(error.message, EXIT.usage, error.code);
    throw error;
  }
}

function tellSummary(s: UndoSummary, say: (text: string) => void): void {
  say(
    `Undo of import ${s.job}: ${s.deleted} profiles deleted, ${s.restored} restored, ` +
      `${s.alreadyUndone} already as before, ${s.changedSince} changed since the import (left as they are), ` +
      `${s.failed} failed; ${s.requests} requests.`,
  );
  if (s.cannotRestore > 0)
    say(
      `${s.cannotRestore} contacts this import updated cannot be restored: it was not run with --undoable, so what they held before was not kept. They are left as they are.`,
    );
  for (const c of s.changed.slice(0, 20)) say(`  changed since: ${c.email ?? c.peopleId ?? ''}`);
  if (s.changedSince > 0)
    say('To undo the changed profiles anyway, run the same command with --overwrite-changed.');
  if (s.failedProfilesFile) say(`Profiles not undone: ${s.failedProfilesFile}`);
  if (s.state === 'paused')
    say(`Paused: ${s.problem?.message ?? ''} Run the same command again to continue.`);
  say(`Report: ${s.summaryFile}`);
}
