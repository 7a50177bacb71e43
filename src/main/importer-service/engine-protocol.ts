/** Messages between the importer service (main thread) and the engine worker thread. */
import type { CheckReport, CsvFormatOverrides } from '../../shared/ipc-contract';
import type { ImportMapping } from '../../shared/column-mapping';
import type { QuotaToday } from '../engine/contact-scan';
import type { CrispConnection } from '../engine/credentials';
import type {
  ImportJobProgress,
  ImportJobRecord,
  ImportJobStateEvent,
} from '../engine/import-jobs';
import type { MappingProposalRequest, ProposedMapping } from './mapping-proposals';

export interface SerializedError {
  name: string;
  code: string | null;
  message: string;
}

export interface JobRunSettings {
  stateDir: string;
  /** With its key: passed in memory only, never written. */
  connection: CrispConnection;
  emptyCells: 'clear' | 'keep';
  dailyBudget: number;
  reserve: number;
  /** Keychain service name (tests use their own); default the app's. */
  keychainService?: string;
}

/** Where the check reads a website's change ledger (read only). */
export interface CheckLedger {
  stateDir: string;
  websiteId: string;
  apiUrl: string;
}

export type WorkerRequest =
  | {
      type: 'check:start';
      checkId: string;
      path: string;
      overrides: CsvFormatOverrides | undefined;
      mapping: ImportMapping;
      requestsPerDay: number;
      /** Today's quota, for the estimate's day plan (null when unknown). */
      quota: QuotaToday | null;
      /** The website's change ledger, for the rows unchanged since the last import. */
      ledger: CheckLedger | null;
      /** Where every issue is written as CSV (for "download the issues"). */
      issuesCsvPath: string;
    }
  | { type: 'check:cancel'; checkId: string }
  | { type: 'job:run'; jobId: string; settings: JobRunSettings; retryFailed?: boolean }
  | { type: 'job:pause'; jobId: string }
  | { type: 'job:cancel'; jobId: string }
  | ({ type: 'mapping:propose'; requestId: string } & MappingProposalRequest);

export type WorkerMessage =
  | {
      type: 'check:progressed';
      checkId: string;
      rows: number;
      bytesRead: number;
      totalBytes: number;
    }
  | {
      type: 'check:finished';
      checkId: string;
      state: 'completed' | 'cancelled' | 'failed';
      report: CheckReport | null;
      error: SerializedError | null;
    }
  | { type: 'job:state'; event: ImportJobStateEvent }
  | { type: 'job:progress'; progress: ImportJobProgress }
  | { type: 'job:notice'; jobId: string; text: string }
  | {
      type: 'mapping:proposed';
      requestId: string;
      result: ProposedMapping | null;
      error: SerializedError | null;
    }
  | {
      type: 'job:ended';
      jobId: string;
      record: ImportJobRecord | null;
      error: SerializedError | null;
    };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      code: typeof code === 'string' ? code : null,
      message: error.message,
    };
  }
  return { name: 'Error', code: null, message: String(error) };
}

/** Rebuilds an error the main side can map to a contract code (by name and code). */
export function deserializeError(error: SerializedError): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.code !== null) (rebuilt as Error & { code: string }).code = error.code;
  return rebuilt;
}
