// `crisp-import scan <file>`: reads the whole file, maps and checks every row as an import would,
// sends nothing, and prints what it found (a readable summary, or one JSON object with --json).
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { ImportMapping } from '../../shared/column-mapping';
import { crispFieldInfo } from '../../shared/crisp-fields';
import type { ColumnTarget } from '../../shared/column-mapping';
import { CSV_ENCODINGS, delimiterLabel, type CsvFormat } from '../../shared/csv-format';
import { BUILT_IN_PRESETS, findBuiltInPreset } from '../../shared/source-presets';
import { resolveStateDir } from '../../main/engine/app-settings';
import { resolve as resolvePath } from 'node:path';
import { describeUnchangedRows } from '../../shared/day-plan';
import type { LedgerSummary } from '../../main/engine/change-ledger';
import { WebsiteId } from '../../main/engine/credentials/crisp-connection';
import { ImportJobStore, openWebsiteLedgerSummary } from '../../main/engine/import-jobs';
import {
  daysFor,
  IssuesCsvWriter,
  scanContactsFile,
  type ContactScanReport,
  type ScanContactsOptions,
  type ScanPreset,
} from '../../main/engine/contact-scan';
import { CsvFileError, encodingLabel } from '../../main/engine/csv-reader';
import { PresetStore, type UserPreset } from '../../main/engine/presets';
import {
  DelimiterOption,
  EncodingOption,
  HeaderRowOption,
  SHEET_OPTION_HELP,
  SheetOption,
} from '../cli-options';
import { CliError, EXIT } from '../exit-codes';
import { terminalText } from '../terminal-text';

/** Error code of a mapping file that cannot be used. */
const MAPPING = 'mapping_invalid';
/** Error code of an issues CSV file that cannot be written. */
const ISSUES_CSV = 'issues_csv_unwritable';
/** A mapping file larger than this is not a mapping. */
const MAX_MAPPING_FILE_BYTES = 1024 * 1024;

const Quota = z.string().transform((text, ctx) => {
  const trimmed = text.trim().replace(/[_,]/g, '');
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > 100_000_000) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a number of requests a day; give a whole number such as 10000`,
    });
    return z.NEVER;
  }
  return value;
});

const ScanOptions = z.object({
  delimiter: DelimiterOption.optional(),
  encoding: EncodingOption.optional(),
  header: z.boolean().optional(),
  headerRow: HeaderRowOption.optional(),
  sheet: SheetOption.optional(),
  mapping: z.string().min(1, 'give the path of a mapping JSON file').optional(),
  preset: z.string().trim().min(1, 'give the name of a preset').optional(),
  quota: Quota.optional(),
  issuesCsv: z.string().min(1, 'give the path of the CSV file to write').optional(),
  website: z.string().min(1, 'give the Crisp website id').optional(),
  apiUrl: z.string().min(1, 'give the Crisp API address').optional(),
  stateDir: z.string().min(1, 'give the folder of the imports').optional(),
  json: z.boolean().default(false),
});
type ScanOptions = z.output<typeof ScanOptions>;

const OPTION_NAMES: Record<string, string> = {
  delimiter: '--delimiter',
  encoding: '--encoding',
  header: '--header',
  headerRow: '--header-row',
  sheet: '--sheet',
  mapping: '--mapping',
  preset: '--preset',
  quota: '--quota',
  issuesCsv: '--issues-csv',
  website: '--website',
  apiUrl: '--api-url',
  stateDir: '--state-dir',
  json: '--json',
};

function parseScanOptions(raw: unknown): ScanOptions {
  const parsed = ScanOptions.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  throw new CliError(`${OPTION_NAMES[key] ?? key}: ${issue?.message ?? 'not valid'}.`);
}

/** The text on one line (messages printed by the CLI are always one line). */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Mapping file and preset

async function readMappingFile(path: string): Promise<ImportMapping> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new CliError(
        `--mapping: ${path} is a folder, not a mapping file.`,
        EXIT.usage,
        MAPPING,
      );
    }
    if (info.size > MAX_MAPPING_FILE_BYTES) {
      throw new CliError(
        `--mapping: ${path} is too large to be a mapping (over 1 MB).`,
        EXIT.usage,
        MAPPING,
      );
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new CliError(
      `--mapping: ${path} cannot be read (${code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : 'the system could not read it'}).`,
      EXIT.usage,
      MAPPING,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new CliError(
      `--mapping: ${path} is not valid JSON. Give a mapping saved as JSON.`,
      EXIT.usage,
      MAPPING,
    );
  }
  const parsed = ImportMapping.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new CliError(
      oneLine(
        `--mapping: ${path} is not a mapping (version 1 with a list of columns):${where} ${issue?.message ?? 'not valid'}.`,
      ),
      EXIT.usage,
      MAPPING,
    );
  }
  return parsed.data;
}

async function findPreset(name: string, stateDir: string | undefined): Promise<ScanPreset> {
  const builtIn = findBuiltInPreset(name);
  if (builtIn) return { kind: 'built-in', preset: builtIn };
  const saved = await savedPresets(stateDir);
  const wanted = name.trim().toLowerCase();
  const preset = saved.find((p) => p.id === wanted || p.name.toLowerCase() === wanted);
  if (preset) return { kind: 'user', preset };
  const names = BUILT_IN_PRESETS.map((p) => p.id).join(', ');
  throw new CliError(
    `--preset: no built-in or saved preset is called "${name}". Built-in presets: ${names}.`,
    EXIT.usage,
    'preset_not_found',
  );
}

/** The presets saved in the app's state folder (or --state-dir); none when it cannot be read. */
async function savedPresets(stateDir: string | undefined): Promise<UserPreset[]> {
  try {
    return (await new PresetStore(resolvePath(stateDir ?? resolveStateDir())).list()).presets;
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Output

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string =>
  `${count(n)} ${n === 1 ? one : many}`;

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} KB`;
}

function targetLabel(target: ColumnTarget): string {
  switch (target.kind) {
    case 'field':
      return crispFieldInfo(target.field).label;
    case 'data':
      return `custom data "${target.key}"`;
    case 'segment_if_yes':
      return `segment "${target.segment}" when yes`;
    case 'ignore':
      return '(not imported)';
  }
}

function rowList(rows: number[], total: number): string {
  const shown = rows.slice(0, 8).map(count).join(', ');
  return total > 8 ? `rows ${shown}…` : rows.length === 1 ? `row ${shown}` : `rows ${shown}`;
}

/**
 * The report for a person. Everything from the file (column names, cells quoted in messages, the
 * file's name) is printed without its control characters or escape sequences (terminal-text.ts).
 */
export function formatScanReport(report: ContactScanReport, issuesCsvPath?: string): string {
  const out: string[] = [];
  const t = (text: string): string => terminalText(text);
  const table = report.header
    ? `row ${report.headerRow ?? 1} holds the column names`
    : 'no header row';
  const format =
    report.sheet !== null
      ? `Excel workbook, sheet “${t(report.sheet)}”, ${table}`
      : `${encodingLabel(report.encoding)}, ${delimiterLabel[report.delimiter]} separator, ${table}`;
  out.push(`File: ${t(report.path)} (${megabytes(report.fileSize)})`);
  out.push(`Read as: ${format}`);
  for (const note of report.notes) out.push(`  ${t(note)}`);
  if (report.recognizedFormat) out.push('', t(report.recognizedFormat.message));

  out.push('', `Mapping: ${t(report.mappingSource.message)}`);
  const names = report.mapping.columns.map((c) => t(c.column));
  const width = Math.min(30, Math.max(...names.map((name) => name.length), 6));
  report.mapping.columns.forEach((column, i) => {
    out.push(`  ${names[i]!.padEnd(width)}  -> ${t(targetLabel(column.target))}`);
  });
  for (const issue of report.mappingIssues) {
    out.push(`  ${issue.severity === 'error' ? 'Error' : 'Warning'}: ${t(issue.message)}`);
  }

  out.push('', `Rows: ${count(report.rows)}`);
  out.push(`  ${count(report.valid)} will be imported`);
  if (report.warnings > 0) {
    out.push(
      `    ${count(report.warnings)} of them with a warning (a value is dropped or changed)`,
    );
  }
  out.push(`  ${count(report.invalid)} cannot be imported and will be skipped`);
  if (report.duplicateEmails > 0) {
    out.push(
      `  ${plural(report.duplicateEmails, 'row repeats', 'rows repeat')} an email from an earlier row (${rowList(report.duplicateRows, report.duplicateEmails)}); ${report.duplicateEmails === 1 ? 'it updates' : 'they update'} that contact`,
    );
  }
  out.push(`  ${plural(report.contacts, 'contact')} in all`);
  const unchanged = unchangedSentence(report);
  if (unchanged) out.push('', t(unchanged));

  if (report.issueGroups.length > 0) {
    out.push('', `Problems: ${plural(report.issueCount, 'issue')}`);
    for (const group of report.issueGroups) {
      const where = group.column === null ? '' : ` in column "${t(group.column)}"`;
      out.push(
        `  ${group.severity === 'error' ? 'Error  ' : 'Warning'} ${group.code}${where}: ${plural(group.count, 'time')} (${rowList(group.rows, group.count)})`,
      );
      out.push(`          e.g. ${t(group.message)}`);
    }
  } else {
    out.push('', 'Problems: none.');
  }

  const estimate = report.estimate;
  out.push(
    '',
    `Estimate: ${plural(estimate.requests, 'Crisp request')}, ${plural(estimate.days, 'day')} at ${count(estimate.requestsPerDay)} requests a day`,
    `  if every contact already exists in Crisp: ${plural(estimate.requestsIfAllExist, 'request')}, ${plural(estimate.daysIfAllExist, 'day')}`,
    `  with run --undoable (so crisp-import undo can give contacts back): up to ${plural(estimate.undoable.extraRequestsIfAllExist, 'more request')} (one read of each existing contact), ${plural(estimate.undoable.daysIfAllExist, 'day')} if every contact exists`,
    `  ${estimate.model}`,
  );
  if (issuesCsvPath) out.push('', `Every issue was written to ${t(issuesCsvPath)}.`);
  else if (report.issueCount > 0) {
    out.push('', 'To list every issue in a spreadsheet, add --issues-csv issues.csv.');
  }
  return `${out.join('\n')}\n`;
}

/** The JSON document printed by `scan --json` (field names are a public contract). */
export function scanReportJson(report: ContactScanReport, issuesCsvPath?: string): unknown {
  return {
    file: report.path,
    fileSize: report.fileSize,
    encoding: report.encoding,
    delimiter: report.delimiter,
    header: report.header,
    headerRow: report.headerRow,
    skippedRows: report.skippedRows,
    sheet: report.sheet,
    sheets: report.sheets,
    detected: report.detected,
    notes: report.notes,
    encodingSwitchedAtRow: report.encodingSwitchedAtRow,
    reportLines: report.reportLines,
    columns: report.columns,
    mapping: report.mapping,
    mappingSource: report.mappingSource,
    mappingIssues: report.mappingIssues,
    recognizedFormat: report.recognizedFormat,
    rows: report.rows,
    valid: report.valid,
    invalid: report.invalid,
    warnings: report.warnings,
    warningsByCode: report.warningsByCode,
    errorsByCode: report.errorsByCode,
    duplicateEmails: report.duplicateEmails,
    duplicateRows: report.duplicateRows,
    contacts: report.contacts,
    issueCount: report.issueCount,
    issues: report.issues,
    issueGroups: report.issueGroups,
    estimate: report.estimate,
    unchanged: report.unchanged
      ? { ...report.unchanged, daysSaved: unchangedDaysSaved(report) }
      : null,
    issuesCsv: issuesCsvPath ?? null,
    seconds: Math.round(report.seconds * 1000) / 1000,
  };
}

/** Days the unchanged rows save at the budget of the estimate (each day's full allowance). */
function unchangedDaysSaved(report: ContactScanReport): number {
  const saved = report.unchanged?.requestsSaved ?? 0;
  const perDay = report.estimate.requestsPerDay;
  return (
    daysFor(report.estimate.requests + saved, perDay) - daysFor(report.estimate.requests, perDay)
  );
}

function unchangedSentence(report: ContactScanReport): string | null {
  return describeUnchangedRows(report.unchanged, report.rows, unchangedDaysSaved(report));
}

/** The change ledger of the website named with --website: what this app last wrote there. */
async function websiteLedger(options: ScanOptions): Promise<LedgerSummary | null> {
  if (options.website === undefined) return null;
  const website = WebsiteId.safeParse(options.website);
  if (!website.success) {
    throw new CliError(`--website: ${website.error.issues[0]?.message ?? 'not a website id'}.`);
  }
  const store = new ImportJobStore(resolvePath(options.stateDir ?? resolveStateDir()));
  try {
    return await openWebsiteLedgerSummary({
      store,
      websiteId: website.data,
      apiUrl: options.apiUrl ?? null,
    });
  } catch (error) {
    throw new CliError(
      `What this app wrote to the website before cannot be read: ${oneLine((error as Error).message)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The command

/** How the file is read as the person chose it (`--delimiter`, `--encoding`, `--header-row`…). */
function formatOverrides(options: ScanOptions): Partial<CsvFormat> {
  const overrides: Partial<CsvFormat> = {};
  if (options.delimiter !== undefined) overrides.delimiter = options.delimiter;
  if (options.encoding !== undefined) overrides.encoding = options.encoding;
  if (options.header !== undefined) overrides.header = options.header;
  if (options.headerRow !== undefined) {
    if (options.header === false) {
      throw new CliError('--header-row and --no-header contradict each other; give only one.');
    }
    overrides.headerRow = options.headerRow;
  }
  if (options.sheet !== undefined) overrides.sheet = options.sheet;
  return overrides;
}

async function runScan(file: string, options: ScanOptions): Promise<void> {
  if (options.mapping !== undefined && options.preset !== undefined) {
    throw new CliError('--mapping and --preset both choose the mapping; give only one of them.');
  }
  const overrides = formatOverrides(options);
  const scanOptions: ScanContactsOptions = { overrides, ledger: await websiteLedger(options) };
  if (options.quota !== undefined) scanOptions.dailyBudget = options.quota;
  if (options.mapping !== undefined) scanOptions.mapping = await readMappingFile(options.mapping);
  else if (options.preset !== undefined) {
    scanOptions.preset = await findPreset(options.preset, options.stateDir);
    // A saved preset keeps the row of the column names (a report with title lines).
    const saved = scanOptions.preset.kind === 'user' ? scanOptions.preset.preset.format : undefined;
    if (saved?.headerRow !== undefined && options.header === undefined) {
      overrides.headerRow ??= saved.headerRow;
    }
  } else scanOptions.userPresets = await savedPresets(options.stateDir);

  const stopper = new AbortController();
  const onInterrupt = (): void => stopper.abort();
  process.once('SIGINT', onInterrupt);
  scanOptions.signal = stopper.signal;

  const showProgress = !options.json && process.stderr.isTTY;
  if (showProgress) {
    scanOptions.onProgress = ({ rows, bytesRead, totalBytes }) => {
      const share = totalBytes === 0 ? 100 : Math.floor((bytesRead / totalBytes) * 100);
      process.stderr.write(`\rScanning… ${share}% (${count(rows)} rows)`);
    };
  }

  let writer: IssuesCsvWriter | undefined;
  if (options.issuesCsv !== undefined) {
    try {
      writer = await IssuesCsvWriter.create(options.issuesCsv);
    } catch (error) {
      throw new CliError(
        `--issues-csv: ${oneLine((error as Error).message)}`,
        EXIT.usage,
        ISSUES_CSV,
      );
    }
    scanOptions.issueSink = writer;
  }

  let report: ContactScanReport;
  try {
    report = await scanContactsFile(file, scanOptions);
    await writer?.close();
  } catch (error) {
    await writer?.discard();
    if (stopper.signal.aborted) {
      throw new CliError('The scan was stopped before the end of the file.', 130, 'interrupted');
    }
    if (error instanceof CsvFileError) {
      throw new CliError(oneLine(error.message), EXIT.usage, error.code);
    }
    if (error instanceof Error && writer && error.message.startsWith('The issues file')) {
      throw new CliError(`--issues-csv: ${oneLine(error.message)}`, EXIT.usage, ISSUES_CSV);
    }
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
    if (showProgress) process.stderr.write('\r\x1b[K');
  }

  process.stdout.write(
    options.json
      ? `${JSON.stringify(scanReportJson(report, options.issuesCsv), null, 2)}\n`
      : formatScanReport(report, options.issuesCsv),
  );
  // A file with column names and no contacts answers like any other (rows: 0, an issue that
  // says so), with the exit code of a file where something cannot be imported.
  // So does a mapping the import would refuse (an error among its problems).
  const mappingRefused = report.mappingIssues.some((issue) => issue.severity === 'error');
  process.exitCode =
    report.invalid > 0 || report.rows === 0 || mappingRefused
      ? EXIT.completedWithProblems
      : EXIT.ok;
}

/** Registers `crisp-import scan`. */
export function registerScanCommand(program: Command): void {
  const command = program
    .command('scan')
    .description(
      'Read a whole contacts file and report what an import would do, without sending anything.',
    )
    .argument('<file>', 'the CSV file to check')
    .option('--delimiter <separator>', 'separator: , ; tab or | (also comma, semicolon, pipe)')
    .option('--encoding <encoding>', `file encoding: ${CSV_ENCODINGS.join(', ')}`)
    .option('--header', 'row 1 holds the column names (detected when not given)')
    .option('--no-header', 'row 1 is a contact, not column names')
    .option(
      '--header-row <row>',
      'the row holding the column names, as a spreadsheet numbers it (detected when not given; rows above it are skipped)',
    )
    .option('--sheet <name|number>', SHEET_OPTION_HELP)
    .option('--mapping <file>', 'mapping JSON file to use instead of the proposed one')
    .option('--preset <name>', 'built-in export format or saved preset to map the columns with')
    .option('--quota <requests>', 'Crisp requests a day the import may spend (default 10000)')
    .option('--issues-csv <file>', 'write every issue to this CSV file')
    .option(
      '--website <id>',
      'the Crisp website the file is for: rows unchanged since this app last imported them there are counted',
    )
    .option(
      '--api-url <url>',
      'with --website: the Crisp API address (default https://api.crisp.chat)',
    )
    .option(
      '--state-dir <dir>',
      "with --website: where imports are kept (default: the desktop app's folder)",
    )
    .option('--json', 'print one JSON object instead of a summary')
    .addHelpText(
      'after',
      `
Exit codes: 0 every row can be imported; 1 some rows cannot (they would be skipped), the
mapping has an error, or the file has column names but no contacts; 2 bad arguments or a file
that cannot be read as CSV.
With --json, an error is one JSON object too: {"error": {"code": "...", "message": "..."}}.`,
    )
    .action(async (file: string, raw: Record<string, unknown>) => {
      await runScan(file, parseScanOptions(raw));
    });
  // Usage errors in one plain line (Commander would add a second line of help).
  command.showHelpAfterError(false);
  command.configureOutput({
    outputError: (text, write) =>
      write(
        `crisp-import scan: ${oneLine(text.replace(/^error:\s*/i, ''))} (see crisp-import scan --help)\n`,
      ),
  });
}
