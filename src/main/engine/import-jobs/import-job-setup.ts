/** Creating a job, and checking that its file is still the one it began with. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z } from 'zod';
import type { ImportMapping } from '../../../shared/column-mapping';
import {
  compareFingerprints,
  describeFingerprintChange,
  fingerprintFile,
} from './file-fingerprint';
import {
  emptyCounters,
  emptyJournalSnapshot,
  IMPORT_JOB_VERSION,
  ImportJobOptions,
  newJobId,
  JobFileLayout,
  type FileFingerprint,
  type ImportJobRecord,
} from './job-record';
import { hashMapping, type ImportJobStore } from './job-store';

export interface NewImportJob {
  filePath: string;
  layout: z.input<typeof JobFileLayout>;
  mapping: ImportMapping;
  websiteId: string;
  apiUrl: string | null;
  options?: Partial<ImportJobOptions>;
}

/** Fingerprints the file and saves a new job, ready to run. */
export async function createImportJob(
  store: ImportJobStore,
  input: NewImportJob,
): Promise<ImportJobRecord> {
  const filePath = resolve(input.filePath);
  const fingerprint = await fingerprintFile(filePath);
  const now = new Date();
  const record: ImportJobRecord = {
    version: IMPORT_JOB_VERSION,
    id: newJobId(now),
    state: 'ready',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    file: { path: filePath, fingerprint },
    layout: JobFileLayout.parse(input.layout),
    mapping: input.mapping,
    mappingHash: hashMapping(input.mapping),
    options: ImportJobOptions.parse(input.options ?? {}),
    websiteId: input.websiteId,
    apiUrl: input.apiUrl ? stripCredentials(input.apiUrl) : null,
    counters: emptyCounters(),
    journal: emptyJournalSnapshot(),
    waitingUntil: null,
    stateMessage: null,
    problem: null,
  };
  await store.save(record);
  return record;
}

/** A URL as it may be written to disk: no user name or password in it. */
function stripCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}

/**
 * The file changed since the job began: resuming could skip or repeat rows, so it is refused.
 * `during` 'run': it changed while the import was reading or sending it (rows appended, the
 * file saved again): the import stops, what was sent stays recorded.
 */
export class FileChangedError extends Error {
  readonly code = 'file_changed';
  constructor(
    readonly jobId: string,
    readonly filePath: string,
    readonly recorded: FileFingerprint,
    readonly current: FileFingerprint | null,
    readonly during: 'resume' | 'run' = 'resume',
  ) {
    super(fileChangedMessage(jobId, filePath, recorded, current, during));
  }
}

function fileChangedMessage(
  jobId: string,
  filePath: string,
  recorded: FileFingerprint,
  current: FileFingerprint | null,
  during: 'resume' | 'run',
): string {
  const restart =
    'Start a new import of the file as it is now (crisp-import run … --restart, or a new import in the app); ' +
    'rows already imported are updated, not duplicated.';
  if (during === 'run') {
    const what =
      current === null
        ? 'was moved or deleted'
        : `changed (${describeFingerprintChange(recorded, current)})`;
    return (
      `The file ${filePath} ${what} while import ${jobId} was reading it, so the import stopped: ` +
      'rows added or changed since could be missed or sent wrong. What was sent stays done and recorded. ' +
      restart
    );
  }
  return current === null
    ? `The file ${filePath} of import ${jobId} cannot be read any more (it was moved or deleted). ` +
        'Put it back where it was to resume, or start a new import of the file where it is now.'
    : `The file ${filePath} changed since import ${jobId} began: ${describeFingerprintChange(recorded, current)}. ` +
        `Resuming would skip or repeat rows, so it is refused. ${restart.replace(', or a new import in the app', '')}`;
}

/** Throws FileChangedError unless the job's file is exactly the one it began with. */
export async function assertJobFileUnchanged(
  job: ImportJobRecord,
  during: 'resume' | 'run' = 'resume',
): Promise<void> {
  let current: FileFingerprint;
  try {
    current = await fingerprintFile(job.file.path);
  } catch {
    throw new FileChangedError(job.id, job.file.path, job.file.fingerprint, null, during);
  }
  if (compareFingerprints(job.file.fingerprint, current).length > 0) {
    throw new FileChangedError(job.id, job.file.path, job.file.fingerprint, current, during);
  }
}

/**
 * The cheap check made every few seconds while a job runs: the file's size and modification
 * time (one stat). Throws FileChangedError when either moved.
 */
export async function assertJobFileSizeAndTime(job: ImportJobRecord): Promise<void> {
  const recorded = job.file.fingerprint;
  let info: { size: number; mtimeMs: number };
  try {
    info = await stat(job.file.path);
  } catch {
    throw new FileChangedError(job.id, job.file.path, recorded, null, 'run');
  }
  const current = { ...recorded, size: info.size, mtimeMs: Math.floor(info.mtimeMs) };
  if (compareFingerprints(recorded, current).length > 0) {
    throw new FileChangedError(job.id, job.file.path, recorded, current, 'run');
  }
}
