/**
 * The journals of a website's jobs, as the change ledger folds them (its write-ahead log), and
 * the ledger of a website opened with them. Dry runs write nothing to Crisp, so their journals
 * are never folded.
 */
import { DEFAULT_CRISP_API_URL } from '../crisp-client';
import {
  ChangeLedger,
  ledgerNoteFromText,
  normalizeApiUrl,
  type LedgerJournalSource,
  type LedgerRecord,
  type LedgerSummary,
} from '../change-ledger';
import type { ImportJobRecord } from './job-record';
import type { ImportJobStore } from './job-store';
import { readJournalTail } from './row-journal';
import { stat } from 'node:fs/promises';

/** Every job of `websiteId` at `apiUrl` (oldest first) whose journal the ledger folds. */
export async function ledgerJournalsOf(
  store: ImportJobStore,
  websiteId: string,
  apiUrl: string,
): Promise<LedgerJournalSource[]> {
  const { jobs } = await store.list();
  const api = normalizeApiUrl(apiUrl);
  return jobs
    .filter(
      (job) =>
        job.websiteId === websiteId &&
        !job.options.dryRun &&
        normalizeApiUrl(job.apiUrl ?? DEFAULT_CRISP_API_URL) === api,
    )
    .reverse()
    .map((job) => journalSource(store, job));
}

function journalSource(store: ImportJobStore, job: ImportJobRecord): LedgerJournalSource {
  const path = store.paths(job.id).journal;
  return {
    jobId: job.id,
    startedAt: job.startedAt ?? job.createdAt,
    completed: job.state === 'completed',
    async size() {
      try {
        return (await stat(path)).size;
      } catch {
        return 0;
      }
    },
    async *read(from: number): AsyncGenerator<LedgerRecord, number> {
      const records = readJournalTail(path, from);
      for (;;) {
        const next = await records.next();
        if (next.done) return next.value;
        const record = next.value;
        if (record.outcome === 'skipped' || !record.l) continue;
        const note = ledgerNoteFromText(record.l);
        if (note) yield { outcome: record.outcome, note };
      }
    },
  };
}

export interface OpenLedgerOptions {
  store: ImportJobStore;
  websiteId: string;
  apiUrl: string | null;
  /** False for a scan: fold in memory, write nothing. */
  writable: boolean;
}

/** The change ledger of a website, with every journal of its jobs folded in. */
export async function openWebsiteLedger(options: OpenLedgerOptions): Promise<ChangeLedger> {
  const apiUrl = options.apiUrl ?? DEFAULT_CRISP_API_URL;
  return ChangeLedger.open({
    stateDir: options.store.stateDir,
    websiteId: options.websiteId,
    apiUrl,
    journals: await ledgerJournalsOf(options.store, options.websiteId, apiUrl),
    writable: options.writable,
  });
}

export type OpenLedgerSummaryOptions = Omit<OpenLedgerOptions, 'writable'>;

/**
 * The website's ledger as the full-file check reads it: a compact read-only summary (14 bytes
 * an entry, ChangeLedger.openSummary), with every journal of its jobs folded in. Used by the
 * CLI's scan, the app's full-file check and bench:ledger.
 */
export async function openWebsiteLedgerSummary(
  options: OpenLedgerSummaryOptions,
): Promise<LedgerSummary> {
  const apiUrl = options.apiUrl ?? DEFAULT_CRISP_API_URL;
  return ChangeLedger.openSummary({
    stateDir: options.store.stateDir,
    websiteId: options.websiteId,
    apiUrl,
    journals: await ledgerJournalsOf(options.store, options.websiteId, apiUrl),
    writable: false,
  });
}
