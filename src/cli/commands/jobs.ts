// `crisp-import jobs`: the imports kept in the state folder, with their state and progress;
// `crisp-import jobs show <id>`: one of them in detail.
import { basename, resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { readJsonFile } from '../../main/engine/app-settings/json-file';
import { resolveStateDir } from '../../main/engine/app-settings/state-dir';
import { describeDayPlan } from '../../shared/day-plan';
import {
  completeJobOutputs,
  createEngineParts,
  describeJobState,
  estimateSavedJob,
  ImportJobStore,
  isFinishedJobState,
  isResumableState,
  JobNotFoundError,
  UnreadableJobError,
  type ImportJobRecord,
  type JobEta,
} from '../../main/engine/import-jobs';
import { CliError, EXIT } from '../exit-codes';
import { terminalText } from '../terminal-text';

const JobsArgs = z.object({ stateDir: z.string().optional(), json: z.boolean().optional() });

export function registerJobsCommand(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('List the imports (jobs) with their state and progress.')
    .option('--state-dir <dir>', "where jobs are kept (default: the desktop app's folder)")
    .option('--json', 'print JSON instead of text')
    .action(async (options: Record<string, unknown>) => {
      const args = parse(options);
      await listJobs(args.stateDir, args.json === true);
    });
  jobs
    .command('show')
    .description('Show one import in detail.')
    .argument('<id>', 'the job id, as `crisp-import jobs` lists it')
    .option('--state-dir <dir>', "where jobs are kept (default: the desktop app's folder)")
    .option('--json', 'print JSON instead of text')
    .action(async (id: string, options: Record<string, unknown>) => {
      const args = parse({ ...jobs.opts(), ...options });
      await showJob(id, args.stateDir, args.json === true);
    });
}

function parse(options: Record<string, unknown>): z.infer<typeof JobsArgs> {
  const parsed = JobsArgs.safeParse(options);
  if (!parsed.success) throw new CliError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

function storeFor(stateDir: string | undefined): ImportJobStore {
  return new ImportJobStore(resolvePath(stateDir ?? resolveStateDir()));
}

/** Share of the file passed, by bytes (the resume point over the size). */
function fraction(job: ImportJobRecord): number {
  if (job.state === 'completed') return 1;
  const size = job.file.fingerprint.size;
  const at = job.journal.resumePoint?.offset ?? 0;
  return size > 0 ? Math.min(1, at / size) : 0;
}

function jobView(job: ImportJobRecord, eta: JobEta) {
  return {
    job: job.id,
    state: job.state,
    message: job.stateMessage,
    resumable: isResumableState(job.state),
    dryRun: job.options.dryRun,
    file: job.file.path,
    websiteId: job.websiteId,
    progress: Number(fraction(job).toFixed(4)),
    rows: job.counters.read,
    created: job.counters.created,
    updated: job.counters.updated,
    skipped: job.counters.skipped,
    failed: job.counters.failed,
    unchanged: job.counters.unchanged,
    requests: job.counters.requests,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
    waitingUntil: job.waitingUntil,
    /** When it would finish, counting the daily quota (if resumed now); null when finished or unknown. */
    finishesAt: eta.finishesAt,
  };
}

/** "about 6 days, finishing around Mon 7 Dec", with what it assumes; null when unknown. */
function timeLeft(job: ImportJobRecord, eta: JobEta): string | null {
  if (!eta.dayPlan || eta.dayPlan.requests === 0) return null;
  const words = describeDayPlan(eta.dayPlan, Date.now());
  if (job.state === 'waiting_for_quota') return `${words} (when the quota comes back)`;
  if (job.state === 'running') return words;
  return `${words} (if resumed now)`;
}

async function listJobs(stateDir: string | undefined, json: boolean): Promise<void> {
  const store = storeFor(stateDir);
  const { jobs, problems } = await store.list();
  const etas = await Promise.all(jobs.map((job) => estimateSavedJob(store.stateDir, job)));
  if (json) {
    process.stdout.write(
      JSON.stringify({
        stateDir: store.stateDir,
        jobs: jobs.map((job, i) => jobView(job, etas[i]!)),
        problems,
      }) + '\n',
    );
    return;
  }
  for (const problem of problems) process.stderr.write(`Note: ${terminalText(problem)}\n`);
  if (jobs.length === 0) {
    process.stdout.write(`No imports in ${store.stateDir}.\n`);
    return;
  }
  const rows = jobs.map((job, i) => [
    job.id,
    job.state + (job.options.dryRun ? ' (dry run)' : ''),
    `${(fraction(job) * 100).toFixed(1)}%`,
    String(job.counters.read),
    `${job.counters.created}/${job.counters.updated}/${job.counters.skipped}/${job.counters.failed}`,
    shortTimeLeft(etas[i]!),
    terminalText(basename(job.file.path)),
  ]);
  const head = [
    'JOB',
    'STATE',
    'DONE',
    'ROWS',
    'CREATED/UPDATED/SKIPPED/FAILED',
    'TIME LEFT',
    'FILE',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write([line(head), ...rows.map(line)].join('\n') + '\n');
}

async function showJob(id: string, stateDir: string | undefined, json: boolean): Promise<void> {
  const store = storeFor(stateDir);
  let job: ImportJobRecord;
  try {
    job = await store.load(id);
  } catch (error) {
    if (error instanceof JobNotFoundError || error instanceof UnreadableJobError) {
      throw new CliError(error.message, EXIT.usage);
    }
    throw error;
  }
  const paths = store.paths(job.id);
  if (isFinishedJobState(job.state)) {
    // A finished job's report is written again if it is missing (nothing is sent).
    await completeJobOutputs(
      store,
      job,
      createEngineParts({ stateDir: store.stateDir, connection: null }),
    ).catch(() => undefined);
  }
  const eta = await estimateSavedJob(store.stateDir, job);
  const summary = await readJsonFile(
    paths.summary,
    z.looseObject({ failedRowsFile: z.string().nullable() }),
  );
  const failedRowsFile = summary.ok ? summary.value.failedRowsFile : null;
  const view = {
    ...jobView(job, eta),
    dayPlan: eta.dayPlan,
    resumePoint: job.journal.resumePoint,
    mapping: job.mapping,
    format: job.layout.format,
    apiUrl: job.apiUrl,
    skippedByCode: job.journal.skippedByCode,
    failedByReason: job.journal.failedByReason,
    problem: job.problem,
    folder: paths.dir,
    summaryFile: summary.ok ? paths.summary : null,
    failedRowsFile,
    logFile: paths.log,
    journalFile: paths.journal,
  };
  if (json) {
    process.stdout.write(JSON.stringify(view) + '\n');
    return;
  }
  const c = job.counters;
  // Texts from the file, the server or job.json reach the terminal without control characters.
  const t = (text: string): string => terminalText(text);
  const lines = [
    `Import ${job.id}: ${describeJobState(job.state)}${job.options.dryRun ? ' (dry run)' : ''}`,
    ...(job.stateMessage ? [`  ${t(job.stateMessage)}`] : []),
    `  File:       ${t(job.file.path)}`,
    `  Website:    ${job.websiteId}${job.apiUrl ? ` (${t(job.apiUrl)})` : ''}`,
    `  Progress:   ${(fraction(job) * 100).toFixed(1)}% of the file, ${c.read} rows`,
    `  Outcome:    ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed; ${c.requests} requests`,
    `  Started:    ${job.startedAt ?? 'not yet'}${job.finishedAt ? `; ended ${job.finishedAt}` : ''}`,
  ];
  const left = timeLeft(job, eta);
  if (left && eta.dayPlan) {
    lines.push(
      `  Time left:  ${left}: about ${eta.dayPlan.requests} requests for ${eta.dayPlan.contacts} contacts`,
    );
  }
  for (const [code, count] of Object.entries(job.journal.skippedByCode)) {
    lines.push(`  Skipped:    ${count} × ${t(code)}`);
  }
  for (const [reason, count] of Object.entries(job.journal.failedByReason).slice(0, 10)) {
    lines.push(`  Failed:     ${count} × ${t(reason)}`);
  }
  if (failedRowsFile) lines.push(`  Rows to fix: ${t(failedRowsFile)}`);
  lines.push(`  Log:        ${paths.log}`);
  if (isResumableState(job.state)) {
    lines.push(
      t(
        `  Resume:     crisp-import run ${quote(job.file.path)} --website ${job.websiteId}` +
          `${job.apiUrl && !job.apiUrl.startsWith('https://api.crisp.chat') ? ` --api-url ${job.apiUrl}` : ''}` +
          `${stateDir ? ` --state-dir ${quote(resolvePath(stateDir))}` : ''} (same mapping)`,
      ),
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

/** "6 days, Mon 7 Dec", "40 minutes", or "-" (the table's column). */
function shortTimeLeft(eta: JobEta): string {
  const plan = eta.dayPlan;
  if (!plan || plan.requests === 0 || plan.finishesAt === null) return '-';
  return describeDayPlan(plan, Date.now())
    .replace(/^about /, '')
    .replace(', finishing around ', ', ')
    .replace(/ left$/, '');
}

function quote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}
