/**
 * Jobs on disk: one folder per job, `<stateDir>/jobs/<jobId>/`, holding
 *   job.json         the job (ImportJobRecord), written atomically
 *   journal.ndjson   every row's outcome (row-journal.ts)
 *   summary.json     the outcome in numbers (job-outputs.ts)
 *   failed-rows.csv  failed and skipped rows, ready to fix and import again
 *   import.log       what happened, in plain lines, never a secret
 * The CLI and the desktop app use the same folders, so either can resume the other's jobs.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { ImportMapping } from '../../../shared/column-mapping';
import { isJobId } from '../../../shared/job-id';
import { readJsonFile, writeJsonFileAtomic } from '../app-settings/json-file';
import { redactSecrets } from '../crisp-client/secret-redaction';
import { redactReasonCounts } from './job-outputs';
import { ImportJobRecord, IMPORT_JOB_VERSION } from './job-record';
import { isResumableState } from './job-state';

export interface ImportJobPaths {
  dir: string;
  record: string;
  journal: string;
  summary: string;
  failedRows: string;
  log: string;
}

export class JobNotFoundError extends Error {
  readonly code = 'job_not_found';
}

export class UnreadableJobError extends Error {
  readonly code = 'job_unreadable';
}

/** The canonical hash of a mapping: same columns, targets and options give the same hash. */
export function hashMapping(mapping: ImportMapping): string {
  return `sha256:${createHash('sha256').update(canonicalJson(mapping)).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The job with its messages and failure reasons redacted (secret-redaction.ts). */
function redactJobTexts(record: ImportJobRecord): ImportJobRecord {
  return {
    ...record,
    stateMessage: record.stateMessage === null ? null : redactSecrets(record.stateMessage),
    problem: record.problem
      ? { ...record.problem, message: redactSecrets(record.problem.message) }
      : null,
    journal: {
      ...record.journal,
      failedByReason: redactReasonCounts(record.journal.failedByReason),
    },
  };
}

export interface ResumableJobQuery {
  filePath: string;
  websiteId: string;
  mappingHash: string;
  dryRun: boolean;
  /**
   * An Excel workbook's sheet (null: a CSV file). When given, only a job of that sheet matches:
   * another sheet of the same workbook is another import.
   */
  sheet?: string | null;
}

function sameSheet(job: ImportJobRecord, query: ResumableJobQuery): boolean {
  return query.sheet === undefined || (job.layout.format.sheet ?? null) === query.sheet;
}

export class ImportJobStore {
  readonly jobsDir: string;

  constructor(readonly stateDir: string) {
    this.jobsDir = join(stateDir, 'jobs');
  }

  /** The job's files, always inside `<stateDir>/jobs/` (an id like `../../x` is no job). */
  paths(jobId: string): ImportJobPaths {
    const dir = join(this.jobsDir, jobId);
    if (!isJobId(jobId) || dirname(resolve(dir)) !== resolve(this.jobsDir)) {
      throw new JobNotFoundError(`There is no import with the id "${jobId.slice(0, 80)}".`);
    }
    return {
      dir,
      record: join(dir, 'job.json'),
      journal: join(dir, 'journal.ndjson'),
      summary: join(dir, 'summary.json'),
      failedRows: join(dir, 'failed-rows.csv'),
      log: join(dir, 'import.log'),
    };
  }

  /** Writes job.json atomically; its texts are redacted (no key, whatever a server said). */
  async save(record: ImportJobRecord): Promise<void> {
    const checked = ImportJobRecord.parse(redactJobTexts(record));
    await mkdir(this.paths(record.id).dir, { recursive: true, mode: 0o700 });
    await writeJsonFileAtomic(this.paths(record.id).record, checked);
  }

  async load(jobId: string): Promise<ImportJobRecord> {
    const result = await readJsonFile(this.paths(jobId).record, ImportJobRecord);
    if (result.ok) return result.value;
    if (result.problem === 'missing') {
      throw new JobNotFoundError(
        `There is no import with the id "${jobId}" in ${this.stateDir}. List them with: crisp-import jobs`,
      );
    }
    const version = await this.readVersion(jobId);
    if (typeof version === 'number' && version > IMPORT_JOB_VERSION) {
      throw new UnreadableJobError(
        `Import ${jobId} was saved by a newer version of the app. Update the app to open it.`,
      );
    }
    throw new UnreadableJobError(`Import ${jobId} cannot be opened: ${result.message}`);
  }

  private async readVersion(jobId: string): Promise<unknown> {
    const r = await readJsonFile(
      this.paths(jobId).record,
      z.object({ version: z.unknown() }).passthrough(),
    );
    return r.ok ? r.value.version : undefined;
  }

  /** Every job, newest first. Jobs whose job.json cannot be read are reported, not thrown. */
  async list(): Promise<{ jobs: ImportJobRecord[]; problems: string[] }> {
    let names: string[];
    try {
      names = await readdir(this.jobsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { jobs: [], problems: [] };
      throw error;
    }
    const jobs: ImportJobRecord[] = [];
    const problems: string[] = [];
    for (const name of names.sort().reverse()) {
      if (name.startsWith('.')) continue;
      try {
        jobs.push(await this.load(name));
      } catch (error) {
        if (error instanceof JobNotFoundError) continue;
        problems.push((error as Error).message);
      }
    }
    return { jobs, problems };
  }

  /**
   * The newest job for this file, website and mapping, whatever its state (to tell that the
   * same import already completed), if any.
   */
  async findLatest(query: ResumableJobQuery): Promise<ImportJobRecord | null> {
    const { jobs } = await this.list();
    const filePath = resolve(query.filePath);
    return (
      jobs.find(
        (job) =>
          resolve(job.file.path) === filePath &&
          job.websiteId === query.websiteId &&
          job.mappingHash === query.mappingHash &&
          job.options.dryRun === query.dryRun &&
          sameSheet(job, query),
      ) ?? null
    );
  }

  /** The newest unfinished job for this file, website and mapping, if any. */
  async findResumable(query: ResumableJobQuery): Promise<ImportJobRecord | null> {
    const { jobs } = await this.list();
    const filePath = resolve(query.filePath);
    return (
      jobs.find(
        (job) =>
          isResumableState(job.state) &&
          resolve(job.file.path) === filePath &&
          job.websiteId === query.websiteId &&
          job.mappingHash === query.mappingHash &&
          job.options.dryRun === query.dryRun &&
          sameSheet(job, query),
      ) ?? null
    );
  }
}
