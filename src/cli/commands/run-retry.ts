// `crisp-import run <file> --retry-failed`: sends again, inside the last import of this file to
// this website with this mapping, the rows that failed for a reason that can pass (server errors,
// timeouts, a lost connection); rows Crisp refused are not sent again, and the person is told.
import {
  assertJobFileUnchanged,
  FileChangedError,
  ImportJobRunner,
  planFailedRowRetry,
  type FailedRowRetryPlan,
  type ImportJobParts,
  type ImportJobRecord,
  type ImportJobStore,
} from '../../main/engine/import-jobs';
import { CliError, EXIT, jsonErrorLine } from '../exit-codes';
import { terminalText } from '../terminal-text';
import { followRunner, report, resumeCommand, type Output, type RunArgs } from './run';

/** What `run --json` says of a retry (the `retry` field; null without --retry-failed). */
export interface FailedRowRetryReport {
  /** Failed rows sent again by this run (they had failed for a reason that can pass). */
  rows: number;
  /** Of those, rows that failed again (they stay failed, with their new reason). */
  failedAgain: number;
  /** Failed rows not sent again: Crisp refused their data, so they would fail again. */
  notRetryable: number;
  notRetryableByReason: Record<string, number>;
  /** Plain words on the above. */
  message: string;
}

export interface RetryContext {
  args: RunArgs;
  out: Output;
  store: ImportJobStore;
  parts: ImportJobParts;
  filePath: string;
  websiteId: string;
  mappingHash: string;
  secrets: string[];
}

/** The whole `--retry-failed` run; resolves with the exit code. */
export async function retryFailedRowsOfImport(ctx: RetryContext): Promise<number> {
  const { out, store } = ctx;
  const query = {
    filePath: ctx.filePath,
    websiteId: ctx.websiteId,
    mappingHash: ctx.mappingHash,
    dryRun: false,
  };
  let job = await store.findResumable(query);
  if (job) {
    // An import stopped half-way (or a retry killed half-way): every row gets its outcome first.
    out.say(
      `Import ${job.id} is not finished: it is resumed first, and its failed rows are sent again once every row has an outcome.`,
    );
    const done = await runPausable(ctx, job, false);
    if (done.state !== 'completed') return report(done, store, out, false, null);
    job = done;
  } else {
    job = await store.findLatest(query);
    if (!job) {
      throw new CliError(
        'No import of this file to this website with this mapping was found, so there are no failed rows to send again. Run the same command without --retry-failed to import the file.',
        EXIT.usage,
        'no_import_to_retry',
      );
    }
    if (job.state !== 'completed') {
      throw new CliError(
        `Import ${job.id} was ${job.state}: only the failed rows of a completed import are sent again. Run the same command without --retry-failed (or with --restart) to import the file.`,
        EXIT.usage,
        'retry_not_possible',
      );
    }
    try {
      await assertJobFileUnchanged(job);
    } catch (error) {
      if (error instanceof FileChangedError) {
        throw new CliError(error.message, EXIT.usage, 'file_changed');
      }
      throw error;
    }
  }

  const plan = await planFailedRowRetry(store.paths(job.id).journal);
  const before = describePlan(job.id, plan);
  out.say(before);
  if (plan.rows.length === 0) {
    // Nothing to send: exit 0, whatever else the import holds (documented in the README).
    return report(job, store, out, false, null, {
      retry: { ...retryReport(plan, 0), message: before },
      exitCode: EXIT.ok,
    });
  }
  const done = await runPausable(ctx, job, true);
  const stillFailed = await planFailedRowRetry(store.paths(job.id).journal);
  const retried = new Set(plan.rows.map((r) => r.row));
  const failedAgain = stillFailed.rows.filter((r) => retried.has(r.row));
  const retry = retryReport(plan, failedAgain.length);
  const sentAgain = plan.rows.length - failedAgain.length;
  const after =
    done.state === 'completed'
      ? `${sentAgain} of the ${plan.rows.length} rows sent again now have their outcome; ${failedAgain.length} failed again (they stay in the failed rows file with the new reason; --retry-failed sends them again).`
      : `The retry stopped before every row was sent again (${sentAgain} done); run the same command again to send the rest.`;
  out.say(after);
  return report(done, store, out, false, null, { retry: { ...retry, message: after } });
}

function retryReport(
  plan: FailedRowRetryPlan,
  failedAgain: number,
): Omit<FailedRowRetryReport, 'message'> {
  return {
    rows: plan.rows.length,
    failedAgain,
    notRetryable: plan.notRetryable,
    notRetryableByReason: plan.notRetryableByReason,
  };
}

function describePlan(jobId: string, plan: FailedRowRetryPlan): string {
  const n = plan.rows.length;
  const head =
    n === 0
      ? `Import ${jobId} has no failed row that can pass if sent again: nothing to retry.`
      : `Import ${jobId}: ${n === 1 ? '1 failed row is' : `${n} failed rows are`} sent again (${n === 1 ? 'it' : 'they'} failed for a reason that can pass: a server error, a timeout, a lost connection).`;
  if (plan.notRetryable === 0) return head;
  const reasons = Object.entries(plan.notRetryableByReason)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, count]) => `${count} × ${reason}`)
    .join('; ');
  const m = plan.notRetryable;
  return `${head} ${m === 1 ? '1 failed row is' : `${m} failed rows are`} not sent again: Crisp refused ${m === 1 ? 'its' : 'their'} data, so ${m === 1 ? 'it' : 'they'} would fail again; fix ${m === 1 ? 'it' : 'them'} in the failed rows file and import that file (${reasons}).`;
}

/** Runs the job (a resume, or a retry of its failed rows); Ctrl-C pauses, twice stops at once. */
async function runPausable(
  ctx: RetryContext,
  job: ImportJobRecord,
  retryFailed: boolean,
): Promise<ImportJobRecord> {
  const { args, out } = ctx;
  const runner = new ImportJobRunner({
    store: ctx.store,
    jobId: job.id,
    parts: ctx.parts,
    stopWhenWaiting: args.exitOnWait === true,
    secrets: ctx.secrets,
    retryFailed,
    ...(args.readAhead !== undefined ? { windowRows: args.readAhead } : {}),
  });
  followRunner(runner, out, false);
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) {
      out.say('Pausing… Ctrl-C again to stop at once.');
      void runner.pause();
      return;
    }
    process.stderr.write(`\nStopped. Send the rest with: ${terminalText(resumeCommand())}\n`);
    if (out.json) {
      process.stdout.write(
        jsonErrorLine('interrupted', `Stopped at once. Send the rest with: ${resumeCommand()}`),
      );
    }
    process.exit(EXIT.paused);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const done = await runner.run();
    if (done.problem?.code === 'file_changed') {
      throw new CliError(done.problem.message, EXIT.usage, 'file_changed');
    }
    return done;
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
}
