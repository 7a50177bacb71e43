/** Creating a job, and checking that its file is still the one it began with. */
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

/** The file changed since the job began: resuming could skip or repeat rows, so it is refused. */
export class FileChangedError extends Error {
  readonly code = 'file_changed';
  constructor(
    readonly jobId: string,
    readonly filePath: string,
    readonly recorded: FileFingerprint,
    readonly current: FileFingerprint | null,
  ) {
    super(
      current === null
        ? `The file ${filePath} of import ${jobId} cannot be read any more (it was moved or deleted). ` +
            'Put it back where it was to resume, or start a new import of the file where it is now.'
        : `The file ${filePath} changed since import ${jobId} began: ${describeFingerprintChange(recorded, current)}. ` +
            'Resuming would skip or repeat rows, so it is refused. Start a new import of the file as it is now ' +
            '(crisp-import run … --restart); rows already imported are updated, not duplicated.',
    );
  }
}

/** Throws FileChangedError unless the job's file is exactly the one it began with. */
export async function assertJobFileUnchanged(job: ImportJobRecord): Promise<void> {
  let current: FileFingerprint;
  try {
    current = await fingerprintFile(job.file.path);
  } catch {
    throw new FileChangedError(job.id, job.file.path, job.file.fingerprint, null);
  }
  if (compareFingerprints(job.file.fingerprint, current).length > 0) {
    throw new FileChangedError(job.id, job.file.path, job.file.fingerprint, current);
  }
}
