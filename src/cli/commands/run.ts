// `crisp-import run <file>`: imports a CSV file into Crisp as a durable job that survives Ctrl-C,
// quota waits, lost connections and crashes, and resumes where it stopped.
import { resolve as resolvePath } from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { ImportMapping } from '../../shared/column-mapping';
import { validateMapping } from '../../shared/contact-rules';
import { CsvEncoding, type CsvFormat } from '../../shared/csv-format';
import { findBuiltInPreset, mappingFromSourcePreset } from '../../shared/source-presets';
import { readJsonFile } from '../../main/engine/app-settings/json-file';
import { resolveStateDir } from '../../main/engine/app-settings/state-dir';
import { resolveCrispConnection } from '../../main/engine/credentials';
import { WebsiteId } from '../../main/engine/credentials/crisp-connection';
import type { CrispConnection } from '../../main/engine/crisp-client';
import {
  CsvFileError,
  detectCsvFormat,
  detectCsvFormatWholeFile,
  type CsvDetection,
} from '../../main/engine/csv-reader';
import type { FakeCrisp } from '../../main/engine/fake-crisp';
import {
  assertJobFileUnchanged,
  cancelImportJob,
  completeJobOutputs,
  createEngineParts,
  createImportJob,
  FileChangedError,
  hashMapping,
  ImportJobRunner,
  ImportJobStore,
  type ImportJobParts,
  type ImportJobProgress,
  type ImportJobRecord,
  type RowOutcomeRecord,
} from '../../main/engine/import-jobs';
import type { ContactProfile } from '../../shared/contact-profile';
import { describeDayPlan } from '../../shared/day-plan';
import {
  mappingFromUserPreset,
  PresetStore,
  proposeMappingForHeaders,
} from '../../main/engine/presets';
import {
  DelimiterOption,
  EncodingOption,
  HeaderRowOption,
  SHEET_OPTION_HELP,
  SheetOption,
  wholeNumber,
} from '../cli-options';
import { CliError, EXIT, jsonErrorLine } from '../exit-codes';
import { terminalText } from '../terminal-text';
import { redactSecrets } from '../../main/engine/crisp-client/secret-redaction';
import { retryFailedRowsOfImport, type FailedRowRetryReport } from './run-retry';

const RunArgs = z.object({
  file: z.string().min(1, 'say which CSV file to import'),
  website: z.string().optional(),
  apiUrl: z.string().optional(),
  sandbox: z.boolean().optional(),
  mapping: z.string().optional(),
  preset: z.string().optional(),
  stateDir: z.string().optional(),
  dryRun: z.boolean().optional(),
  checkExisting: z.boolean().optional(),
  restart: z.boolean().optional(),
  sendAll: z.boolean().optional(),
  undoable: z.boolean().optional(),
  json: z.boolean().optional(),
  delimiter: DelimiterOption.optional(),
  encoding: EncodingOption.optional(),
  header: z.boolean().optional(),
  headerRow: HeaderRowOption.optional(),
  sheet: SheetOption.optional(),
  keepEmpty: z.boolean().optional(),
  dailyBudget: wholeNumber('--daily-budget', 1, 100_000_000).optional(),
  reserve: wholeNumber('--reserve', 0, 100_000_000).optional(),
  exitOnWait: z.boolean().optional(),
  checkEvery: wholeNumber('--check-every', 1, 86_400).optional(),
  timeout: wholeNumber('--timeout', 100, 600_000).optional(),
  initialRate: wholeNumber('--initial-rate', 1, 100_000).optional(),
  readAhead: wholeNumber('--read-ahead', 1, 1_000_000).optional(),
  lookups: z.enum(['single', 'batched', 'auto']).optional(),
  retryFailed: z.boolean().optional(),
  maxAttempts: wholeNumber('--max-attempts', 1, 100).optional(),
  retryDelay: wholeNumber('--retry-delay', 0, 600_000).optional(),
});
export type RunArgs = z.infer<typeof RunArgs>;

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'Import a CSV file into Crisp. The import is a job that survives Ctrl-C, quota waits and crashes: run the same command again to resume it.',
    )
    .argument('<file>', 'the CSV file to import')
    .option('--website <id>', 'Crisp website id (Settings > Website Settings > Setup Instructions)')
    .option('--api-url <url>', 'Crisp API address (default https://api.crisp.chat)')
    .option('--sandbox', 'import into a fake Crisp server started for this run (no account needed)')
    .option('--mapping <file>', 'a mapping JSON file saying what each column becomes')
    .option(
      '--preset <name>',
      'a saved preset, or a built-in one (e.g. the export of a known tool)',
    )
    .option('--state-dir <dir>', "where jobs are kept (default: the desktop app's folder)")
    .option('--dry-run', 'check everything and say what would be created or updated; write nothing')
    .option('--check-existing', 'with --dry-run: ask Crisp which contacts exist (one read each)')
    .option(
      '--restart',
      'start a new import even if an unfinished or completed one exists for this file',
    )
    .option(
      '--send-all',
      'send every row, even rows whose contact is what this app last wrote to the website (for instance after profiles were deleted in Crisp)',
    )
    .option(
      '--retry-failed',
      'send again the rows of the last import of this file that failed for a reason that can pass (server errors, timeouts); their new outcomes replace the failures',
    )
    .option(
      '--undoable',
      'keep what each existing contact held before it is changed, so `crisp-import undo <job>` can give it back (costs a read or two per existing contact)',
    )
    .option('--json', 'print one JSON object at the end instead of text')
    .option('--delimiter <char>', 'column separator: , ; tab | (default: detected)')
    .option(
      '--encoding <name>',
      `text encoding: ${CsvEncoding.options.join(', ')} (default: detected)`,
    )
    .option('--no-header', 'the first row holds data, not column names')
    .option(
      '--header-row <row>',
      'the row holding the column names, as a spreadsheet numbers it (default: detected; rows above it are skipped)',
    )
    .option('--sheet <name|number>', SHEET_OPTION_HELP)
    .option(
      '--keep-empty',
      'an empty custom data cell keeps the existing value (default: clears it)',
    )
    .option(
      '--daily-budget <n>',
      'requests a day this import may use (default: settings, else by token kind)',
    )
    .option('--reserve <n>', 'requests a day left for other tools on the same token (default 500)')
    .option(
      '--exit-on-wait',
      'exit (code 3) instead of waiting when the quota is spent or the key is refused',
    )
    .addOption(
      new Option(
        '--check-every <seconds>',
        'while waiting: how often to check whether the quota or connection is back',
      ).hideHelp(),
    )
    .addOption(new Option('--timeout <ms>', 'HTTP timeout per request').hideHelp())
    .addOption(
      new Option('--initial-rate <n>', 'requests a second per route at the start').hideHelp(),
    )
    .addOption(
      new Option(
        '--read-ahead <rows>',
        'rows read ahead and grouped by email before they are sent (default 5000)',
      ).hideHelp(),
    )
    .addOption(
      new Option('--max-attempts <n>', 'attempts per request before a row fails').hideHelp(),
    )
    .addOption(
      new Option('--retry-delay <ms>', 'first delay between two attempts (doubles)').hideHelp(),
    )
    .addOption(
      new Option(
        '--lookups <plan>',
        'how existing contacts are read: single, batched or auto (default auto: bulk where safe)',
      ).hideHelp(),
    )
    .addHelpText(
      'after',
      `
Credentials come from CRISP_IDENTIFIER, CRISP_KEY and CRISP_TIER, else from the keychain
(crisp-import login --website <id>).

Exit codes: 0 completed with no failed rows; 1 completed with failed or skipped rows;
2 bad usage or unreadable input (or the file changed: --restart); 3 paused (quota, connection,
Ctrl-C): run the same command to resume; 4 this file was already imported to this website and
has not changed since: nothing was sent (--restart imports it again).
With --retry-failed: 0 when every row now has its outcome and none failed or was skipped (or
nothing could be retried), 1 when some rows still failed or were skipped, 3 paused.`,
    )
    .action(async (file: string, options: Record<string, unknown>) => {
      const parsed = RunArgs.safeParse({ ...options, file });
      if (!parsed.success) {
        throw new CliError(
          parsed.error.issues
            .map((issue) =>
              issue.path[0] === 'headerRow' ? `--header-row: ${issue.message}` : issue.message,
            )
            .join('; '),
        );
      }
      process.exitCode = await runImport(parsed.data);
    });
}

export interface Output {
  json: boolean;
  say(text: string): void;
  progress(text: string): void;
  endProgress(): void;
}

export function makeOutput(json: boolean): Output {
  const tty = process.stderr.isTTY === true;
  let lastLength = 0;
  let lastPlainAt = Date.now();
  /** Without a terminal: the latest line not printed yet (printed when the run ends). */
  let unprinted: string | null = null;
  return {
    json,
    say(text) {
      if (json) return;
      if (lastLength > 0) {
        process.stderr.write('\r' + ' '.repeat(lastLength) + '\r');
        lastLength = 0;
      }
      process.stdout.write(terminalText(text) + '\n');
    },
    progress(given) {
      if (json) return;
      const text = terminalText(given);
      if (tty) {
        const width = process.stderr.columns || 100; // 0 when the terminal does not say
        const line = text.slice(0, Math.max(20, width - 1));
        process.stderr.write('\r' + line + ' '.repeat(Math.max(0, lastLength - line.length)));
        lastLength = line.length;
      } else if (Date.now() - lastPlainAt > 10_000) {
        lastPlainAt = Date.now();
        unprinted = null;
        process.stderr.write(text + '\n');
      } else {
        unprinted = text;
      }
    },
    endProgress() {
      if (!json && tty && lastLength > 0) {
        process.stderr.write('\n');
        lastLength = 0;
      }
      if (!json && !tty && unprinted !== null) {
        // A log without a terminal ends with the latest figures (days left included).
        process.stderr.write(unprinted + '\n');
        unprinted = null;
      }
    },
  };
}

async function runImport(args: RunArgs): Promise<number> {
  const out = makeOutput(args.json === true);
  if (args.mapping && args.preset) throw new CliError('Use --mapping or --preset, not both.');
  if (args.sandbox && args.apiUrl) throw new CliError('Use --api-url or --sandbox, not both.');
  if (args.checkExisting && !args.dryRun)
    throw new CliError('--check-existing only goes with --dry-run.');
  if (args.retryFailed && (args.restart || args.dryRun))
    throw new CliError(
      '--retry-failed sends again the failed rows of the last import: use it without --restart or --dry-run.',
    );
  const filePath = resolvePath(args.file);
  const stateDir = resolvePath(args.stateDir ?? resolveStateDir());

  // The file: how it is read.
  const overrides = await formatOverrides(args, stateDir);
  const detection = await readLayout(filePath, overrides, false);
  const headers = detection.headers;
  if ((detection.skippedRows ?? []).length > 0) {
    for (const note of detection.notes) {
      if (note.startsWith('Header:') || note.startsWith('Separator:')) out.say(note);
    }
  }

  // The connection.
  let sandbox: FakeCrisp | null = null;
  let connection: CrispConnection | null = null;
  let websiteId: string;
  const needsConnection = !args.dryRun || args.checkExisting === true;
  if (args.sandbox) {
    const { startSandboxCrisp } = await import('../../main/engine/fake-crisp');
    sandbox = await startSandboxCrisp();
    websiteId = sandbox.websiteId;
    connection = { apiUrl: sandbox.url, websiteId, ...sandbox.token };
    out.say(
      `Sandbox: a fake Crisp server runs at ${sandbox.url} for this import (nothing reaches Crisp).`,
    );
  } else {
    if (!args.website) {
      throw new CliError(
        'Say which Crisp website to import into: --website <id> (or try it with --sandbox).',
      );
    }
    const website = WebsiteId.safeParse(args.website);
    if (!website.success) {
      throw new CliError(`The website id is not valid: ${website.error.issues[0]?.message ?? ''}.`);
    }
    websiteId = website.data;
    if (needsConnection) {
      try {
        connection = await resolveCrispConnection({
          websiteId,
          ...(args.apiUrl ? { apiUrl: args.apiUrl } : {}),
          env: process.env,
        });
      } catch (error) {
        throw new CliError((error as Error).message, EXIT.usage, 'connection_unavailable');
      }
    }
  }

  try {
    // The mapping.
    const mapping = await chooseMapping(args, stateDir, headers, out);
    const problems = validateMapping(mapping, detection.format.header ? headers : []);
    const errors = problems.filter((p) => p.severity === 'error');
    for (const warning of problems.filter((p) => p.severity === 'warning'))
      out.say(`Note: ${warning.message}`);
    if (errors.length > 0) {
      throw new CliError(
        `The mapping cannot be used: ${errors.map((e) => e.message).join(' ')} ` +
          'Fix it with --mapping <file> (see crisp-import scan --json for the proposed mapping).',
        EXIT.usage,
        'mapping_invalid',
      );
    }

    // The job: resume the unfinished one for this file, website and mapping, or begin one.
    const store = new ImportJobStore(stateDir);
    const dryRun = args.dryRun === true;
    const apiUrl = connection?.apiUrl ?? args.apiUrl ?? null;
    const parts = createEngineParts({
      stateDir,
      connection,
      reconnect: async () => (args.sandbox ? connection : reResolve(websiteId, args.apiUrl)),
      ...(args.dailyBudget !== undefined ? { dailyBudget: args.dailyBudget } : {}),
      ...(args.reserve !== undefined ? { reserve: args.reserve } : {}),
      ...(args.timeout !== undefined ? { timeoutMs: args.timeout } : {}),
      ...(args.initialRate !== undefined ? { initialRate: args.initialRate } : {}),
      ...(args.lookups !== undefined ? { lookups: args.lookups } : {}),
      ...(args.maxAttempts !== undefined || args.retryDelay !== undefined
        ? {
            retry: {
              ...(args.maxAttempts !== undefined ? { maxAttempts: args.maxAttempts } : {}),
              ...(args.retryDelay !== undefined ? { baseDelayMs: args.retryDelay } : {}),
            },
          }
        : {}),
      ...(args.checkEvery !== undefined
        ? { quotaCheckMs: args.checkEvery * 1000, connectionCheckMs: args.checkEvery * 1000 }
        : {}),
    });
    if (args.retryFailed) {
      // Before the choice of a job: a completed import is what --retry-failed works on.
      return await retryFailedRowsOfImport({
        args,
        out,
        store,
        parts,
        filePath,
        websiteId,
        mappingHash: hashMapping(mapping),
        secrets: connection ? [connection.key] : [],
      });
    }
    const choice = await chooseJob({
      args,
      out,
      store,
      parts,
      filePath,
      websiteId,
      apiUrl,
      mapping,
      overrides,
      detection,
    });
    if ('finished' in choice) return reportFinished(choice.finished, store, parts, out);
    const job = choice.job;

    // Run it.
    const runner = new ImportJobRunner({
      store,
      jobId: job.id,
      parts,
      stopWhenWaiting: args.exitOnWait === true,
      secrets: connection ? [connection.key] : [],
      ...(args.readAhead !== undefined ? { windowRows: args.readAhead } : {}),
    });
    const followed = followRunner(runner, out, dryRun);
    let interrupts = 0;
    const onSignal = (): void => {
      interrupts++;
      if (interrupts === 1) {
        out.say(
          'Pausing… (rows being sent are finished or left for the resume). Ctrl-C again to stop at once.',
        );
        void runner.pause();
      } else {
        process.stderr.write(`\nStopped. Resume with: ${terminalText(resumeCommand())}\n`);
        if (out.json) {
          process.stdout.write(
            jsonErrorLine(
              'interrupted',
              `Stopped at once; rows being sent are sent again on resume. Resume with: ${resumeCommand()}`,
            ),
          );
        }
        process.exit(EXIT.paused);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let done: ImportJobRecord;
    try {
      done = await runner.run();
    } catch (error) {
      if (error instanceof FileChangedError) {
        throw new CliError(error.message, EXIT.usage, 'file_changed');
      }
      throw error;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      out.endProgress();
    }
    if (done.problem?.code === 'file_changed') {
      // Changed while it was read: refused as a changed file is refused at resume.
      throw new CliError(done.problem.message, EXIT.usage, 'file_changed');
    }
    return report(done, store, out, dryRun, followed.lastProgress());
  } finally {
    await sandbox?.close();
  }
}

interface JobChoiceContext {
  args: RunArgs;
  out: Output;
  store: ImportJobStore;
  parts: ImportJobParts;
  filePath: string;
  websiteId: string;
  apiUrl: string | null;
  mapping: ImportMapping;
  overrides: Partial<CsvFormat>;
  detection: CsvDetection;
}

/**
 * The job to run: the unfinished one for this file, website and mapping (resumed, or set aside
 * with --restart), or a new one; none (`finished`) when the same import already completed and
 * the file has not changed since: nothing is sent again without --restart.
 */
async function chooseJob(
  ctx: JobChoiceContext,
): Promise<{ job: ImportJobRecord } | { finished: ImportJobRecord }> {
  const { args, out, store } = ctx;
  const query = {
    filePath: ctx.filePath,
    websiteId: ctx.websiteId,
    mappingHash: hashMapping(ctx.mapping),
    dryRun: args.dryRun === true,
    sheet: ctx.detection.format.sheet ?? null,
  };
  const existing = await store.findResumable(query);
  if (existing && args.restart) {
    await cancelImportJob(store, existing.id, ctx.parts);
    out.say(
      `Import ${existing.id} was set aside (cancelled; what it did stays done). Starting a new import.`,
    );
    return { job: await newJob(ctx) };
  }
  if (existing) {
    const c = existing.counters;
    out.say(
      `Resuming import ${existing.id}: ${c.read} rows already done ` +
        `(${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed).`,
    );
    return { job: existing };
  }
  if (!args.restart && !query.dryRun) {
    const latest = await store.findLatest(query);
    if (latest?.state === 'completed' && (await fileUnchanged(latest))) return { finished: latest };
  }
  const job = await newJob(ctx);
  out.say(
    `Import ${job.id} begins: ${ctx.filePath} to website ${ctx.websiteId}${query.dryRun ? ' (dry run: nothing is written)' : ''}.`,
  );
  return { job };
}

async function fileUnchanged(job: ImportJobRecord): Promise<boolean> {
  try {
    await assertJobFileUnchanged(job);
    return true;
  } catch {
    return false;
  }
}

/** A new job, which records the encoding that reads every row (checked against the whole file). */
async function newJob(ctx: JobChoiceContext): Promise<ImportJobRecord> {
  const { args, out } = ctx;
  let detection = ctx.detection;
  const checked = await readLayout(ctx.filePath, ctx.overrides, true);
  if (checked.format.encoding !== detection.format.encoding) {
    out.say(checked.notes.find((n) => n.startsWith('Encoding:')) ?? '');
    detection = checked;
  } else if (checked.notes.length > detection.notes.length) out.say(checked.notes.at(-1)!);
  return createImportJob(ctx.store, {
    filePath: ctx.filePath,
    layout: {
      format: detection.format,
      detected: detection.detected,
      headers: ctx.detection.headers,
      dataStartOffset: detection.dataStartOffset,
      dataStartRow: detection.dataStartRow,
      bomLength: detection.bomLength ?? 0,
      ...(detection.modifiedAtMs !== undefined ? { modifiedAtMs: detection.modifiedAtMs } : {}),
    },
    mapping: ctx.mapping,
    websiteId: ctx.websiteId,
    apiUrl: ctx.apiUrl,
    options: {
      dryRun: args.dryRun === true,
      checkExisting: args.checkExisting === true,
      formatOverrides: ctx.overrides,
      sendAll: args.sendAll === true,
      ...(args.undoable === true ? { undoable: true } : {}),
    },
  });
}

/** Prints what the run does as it goes (notices, waits, progress, a dry run's first contacts). */
export function followRunner(
  runner: ImportJobRunner,
  out: Output,
  dryRun: boolean,
): { lastProgress(): ImportJobProgress | null } {
  runner.on('notice', (text) => out.say(text));
  runner.on('state', (event) => {
    if (event.state === 'waiting_for_quota' || event.state === 'waiting_for_connection') {
      out.say(event.message ?? event.state);
    } else if (event.state === 'ready' && event.message) {
      out.say(event.message);
    } else if (event.state === 'running' && event.previousState?.startsWith('waiting')) {
      out.say('Sending again.');
    }
  });
  let lastProgress: ImportJobProgress | null = null;
  runner.on('progress', (progress) => {
    lastProgress = progress;
    out.progress(progressLine(progress, dryRun));
  });
  // A dry run shows the first contacts as they would be sent.
  const PREVIEW_ROWS = 20;
  let previewed = 0;
  if (dryRun && !out.json) {
    runner.on('outcome', (o) => {
      if (previewed >= PREVIEW_ROWS) return;
      previewed++;
      out.say(`  row ${o.row}: ${describeOutcome(o)}`);
    });
  }
  return { lastProgress: () => lastProgress };
}

/**
 * The same import already completed (same file, unchanged, same website and mapping): nothing
 * is sent. Its report is written again if it is missing, and the way to import the file again
 * (--restart) is given. Exit code EXIT.alreadyFinished.
 */
async function reportFinished(
  job: ImportJobRecord,
  store: ImportJobStore,
  parts: ImportJobParts,
  out: Output,
): Promise<number> {
  const outputs = await completeJobOutputs(store, job, parts);
  if (outputs.repaired)
    out.say(`The report of import ${job.id} was missing; it was written again.`);
  if (outputs.problem) out.say(outputs.problem);
  const c = job.counters;
  out.say(
    `This file was already imported to this website by import ${job.id} (completed ${job.finishedAt ?? ''}: ` +
      `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed). ` +
      'Nothing was sent.',
  );
  out.say(`To import it again, add --restart: ${restartCommand()}`);
  return report(job, store, out, false, null, { alreadyFinished: true });
}

/** How the file is read; `wholeFile`: with the encoding checked against every byte (a new job). */
async function readLayout(
  filePath: string,
  overrides: Partial<CsvFormat>,
  wholeFile: boolean,
): Promise<CsvDetection> {
  try {
    if (!wholeFile) return await detectCsvFormat(filePath, overrides);
    return (await detectCsvFormatWholeFile(filePath, overrides)).detection;
  } catch (error) {
    if (error instanceof CsvFileError) throw new CliError(error.message, EXIT.usage, error.code);
    throw error;
  }
}

/** How the file is read as the person chose it: options, then the header row of a saved preset. */
async function formatOverrides(args: RunArgs, stateDir: string): Promise<Partial<CsvFormat>> {
  const overrides: Partial<CsvFormat> = {};
  if (args.delimiter) overrides.delimiter = args.delimiter;
  if (args.encoding) overrides.encoding = args.encoding;
  if (args.header === false) overrides.header = false;
  if (args.headerRow !== undefined) {
    if (args.header === false) {
      throw new CliError('--header-row and --no-header contradict each other; give only one.');
    }
    overrides.headerRow = args.headerRow;
  }
  if (args.sheet !== undefined) overrides.sheet = args.sheet;
  const saved = await presetFormat(args, stateDir);
  if (saved?.headerRow !== undefined && args.header === undefined) {
    overrides.headerRow ??= saved.headerRow;
  }
  return overrides;
}

/** The format saved with the preset given by --preset (its header row), if any. */
async function presetFormat(
  args: RunArgs,
  stateDir: string,
): Promise<{ headerRow?: number | undefined } | null> {
  if (!args.preset || args.mapping) return null;
  const wanted = args.preset.trim().toLowerCase();
  const listing = await new PresetStore(stateDir).list().catch(() => ({ presets: [] }));
  const user = listing.presets.find((p) => p.name.toLowerCase() === wanted || p.id === args.preset);
  return user?.format ?? null;
}

async function reResolve(
  websiteId: string,
  apiUrl: string | undefined,
): Promise<CrispConnection | null> {
  try {
    return await resolveCrispConnection({
      websiteId,
      ...(apiUrl ? { apiUrl } : {}),
      env: process.env,
    });
  } catch {
    return null;
  }
}

async function chooseMapping(
  args: RunArgs,
  stateDir: string,
  headers: string[],
  out: Output,
): Promise<ImportMapping> {
  let mapping: ImportMapping;
  if (args.mapping) {
    const read = await readJsonFile(resolvePath(args.mapping), ImportMapping);
    if (!read.ok) {
      throw new CliError(
        `The mapping file cannot be used: ${read.message}`,
        EXIT.usage,
        'mapping_invalid',
      );
    }
    mapping = read.value;
  } else {
    const presets = new PresetStore(stateDir);
    const listing = await presets.list().catch(() => ({ presets: [] }));
    if (args.preset) {
      const wanted = args.preset.trim().toLowerCase();
      const user = listing.presets.find(
        (p) => p.name.toLowerCase() === wanted || p.id === args.preset,
      );
      const builtIn = user ? undefined : findBuiltInPreset(args.preset);
      if (user) mapping = mappingFromUserPreset(user, headers);
      else if (builtIn) mapping = mappingFromSourcePreset(builtIn, headers);
      else {
        const names = listing.presets.map((p) => `"${p.name}"`).join(', ');
        throw new CliError(
          `There is no preset named "${args.preset}".${names ? ` Saved presets: ${names}.` : ''}`,
          EXIT.usage,
          'preset_not_found',
        );
      }
      out.say(`Mapping: preset "${user?.name ?? builtIn?.name}".`);
    } else {
      const proposal = proposeMappingForHeaders(headers, listing.presets);
      mapping = proposal.mapping;
      out.say(`Mapping: ${proposal.message}`);
    }
  }
  if (args.keepEmpty) mapping = { ...mapping, emptyCells: 'keep' };
  return mapping;
}

function describeOutcome(o: RowOutcomeRecord & { contact: ContactProfile | null }): string {
  if (o.outcome === 'skipped') return `skipped (${o.column ? `${o.column}: ` : ''}${o.reason})`;
  if (o.outcome === 'failed') return `failed (${o.reason})`;
  if (o.outcome === 'unchanged')
    return `unchanged (${o.contact?.email ?? 'this contact'} is what this app last wrote to the website; nothing to send)`;
  const c = o.contact;
  if (!c) return o.outcome === 'created' ? 'would create' : 'would update';
  const details = [
    c.nickname,
    c.segments.length > 0 ? `segments ${c.segments.join(', ')}` : '',
    Object.keys(c.data).length > 0
      ? `data ${Object.entries(c.data)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ')}`
      : '',
  ].filter(Boolean);
  return `would ${o.outcome === 'created' ? 'create' : 'update'} ${c.email} (${details.join('; ')})`;
}

function progressLine(p: ImportJobProgress, dryRun: boolean): string {
  const c = p.counters;
  const parts = [
    `${(p.fraction * 100).toFixed(1)}%`,
    `${c.read} rows`,
    `${c.created} ${dryRun ? 'to create' : 'created'}`,
    `${c.updated} ${dryRun ? 'to update' : 'updated'}`,
    ...(c.unchanged > 0 ? [`${c.unchanged} unchanged`] : []),
    `${c.skipped} skipped`,
    `${c.failed} failed`,
  ];
  if (p.rowsPerSecond !== null) parts.push(`${p.rowsPerSecond.toFixed(1)} rows/s`);
  if (p.dayPlan && p.dayPlan.requests > 0) parts.push(describeDayPlan(p.dayPlan, Date.now()));
  else if (p.etaSeconds !== null) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  if (p.quota.left !== null) parts.push(`quota left ${p.quota.left}`);
  if (p.state !== 'running') parts.push(p.state.replace(/_/g, ' '));
  return parts.join(' · ');
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  if (seconds < 86_400 * 2)
    return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** The command to run again to resume: this one, without --restart. */
export function resumeCommand(): string {
  return commandLine(process.argv.slice(2).filter((a) => a !== '--restart'));
}

/** The command that imports the file again as a new job: this one, with --restart. */
function restartCommand(): string {
  const argv = process.argv.slice(2);
  return commandLine(argv.includes('--restart') ? argv : [...argv, '--restart']);
}

function commandLine(argv: readonly string[]): string {
  return [
    'npx crisp-import',
    ...argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)),
  ].join(' ');
}

export async function report(
  job: ImportJobRecord,
  store: ImportJobStore,
  out: Output,
  dryRun: boolean,
  lastProgress: ImportJobProgress | null,
  options: { alreadyFinished?: boolean; retry?: FailedRowRetryReport; exitCode?: number } = {},
): Promise<number> {
  const alreadyFinished = options.alreadyFinished === true;
  const paths = store.paths(job.id);
  const summary = await readJsonFile(
    paths.summary,
    z.looseObject({ failedRowsFile: z.string().nullable() }),
  );
  const failedRowsFile = summary.ok ? summary.value.failedRowsFile : null;
  const c = job.counters;
  const finished = job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled';
  const plan = finished ? null : (lastProgress?.dayPlan ?? null);
  const finishesAt = finished ? null : (lastProgress?.finishesAt ?? null);
  const exitCode =
    options.exitCode ??
    (alreadyFinished
      ? EXIT.alreadyFinished
      : job.state === 'completed'
        ? c.failed + c.skipped > 0
          ? EXIT.completedWithProblems
          : EXIT.ok
        : job.state === 'failed'
          ? EXIT.usage
          : EXIT.paused);
  if (out.json) {
    process.stdout.write(
      jsonLine({
        job: job.id,
        state: job.state,
        message: job.stateMessage,
        dryRun,
        rows: c.read,
        created: c.created,
        updated: c.updated,
        skipped: c.skipped,
        failed: c.failed,
        unchanged: c.unchanged,
        requests: c.requests,
        skippedByCode: job.journal.skippedByCode,
        failedByReason: job.journal.failedByReason,
        failedRowsFile,
        summaryFile: paths.summary,
        logFile: paths.log,
        waitingUntil: job.waitingUntil,
        finishesAt,
        resumeCommand: exitCode === EXIT.paused ? resumeCommand() : null,
        alreadyFinished,
        restartCommand: alreadyFinished ? restartCommand() : null,
        retry: options.retry ?? null,
      }),
    );
    return exitCode;
  }
  if (!alreadyFinished) out.say(job.stateMessage ?? job.state);
  if (plan && plan.requests > 0) {
    const when =
      job.state === 'waiting_for_quota' ? 'when run again after the reset' : 'if resumed now';
    out.say(
      `Still to send: about ${plan.requests} requests for ${plan.contacts} contacts; ${describeDayPlan(plan, Date.now())} (${when}).`,
    );
  }
  if (failedRowsFile) {
    const n = c.skipped + c.failed;
    const rowsText = n === 1 ? '1 row' : `${n} rows`;
    out.say(
      dryRun
        ? `${rowsText} would not be imported; they are listed, with the reason, in ${failedRowsFile}.`
        : `${rowsText} ${n === 1 ? 'was' : 'were'} not imported; fix ${n === 1 ? 'it' : 'them'} in ${failedRowsFile} and import that file again.`,
    );
  }
  out.say(`Summary: ${paths.summary}`);
  if (exitCode === EXIT.paused) out.say(`Resume with: ${resumeCommand()}`);
  return exitCode;
}

/** One JSON line for stdout; no key in it, whatever a server said (secret-redaction.ts). */
function jsonLine(value: unknown): string {
  return `${redactSecrets(JSON.stringify(value))}\n`;
}
