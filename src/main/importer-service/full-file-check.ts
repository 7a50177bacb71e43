/**
 * The full-file check of the desktop app: the engine's scan (contact-scan), which reads and maps
 * every row exactly as the import will and sends nothing, reshaped for the IPC contract. Runs in
 * the engine worker (never on the main thread).
 */
import type { CheckReport, CsvFormatOverrides } from '../../shared/ipc-contract';
import type { ImportMapping } from '../../shared/column-mapping';
import type { LedgerSummary } from '../engine/change-ledger';
import { ImportJobStore, openWebsiteLedgerSummary } from '../engine/import-jobs';
import type { CheckLedger } from './engine-protocol';
import {
  daysFor,
  planEstimateDays,
  scanContactsFile,
  type IssueSink,
  type QuotaToday,
} from '../engine/contact-scan';

export interface FullCheckInput {
  path: string;
  overrides: CsvFormatOverrides | undefined;
  mapping: ImportMapping;
  /** Requests a day the import may spend (budget minus reserve). */
  requestsPerDay: number;
  /** Today's quota, for the day plan; null when unknown. */
  quota?: QuotaToday | null;
  /** The website's change ledger (rows unchanged since this app last imported them). */
  ledger?: CheckLedger | null;
  signal?: AbortSignal;
  onProgress?: (progress: { rows: number; bytesRead: number; totalBytes: number }) => void;
  /** Receives every issue of the file (the issues CSV export); optional. */
  issueSink?: IssueSink;
}

/** The ledger, read only; null when there is none or it cannot be read (nothing is skipped then). */
async function openCheckLedger(where: CheckLedger | null): Promise<LedgerSummary | null> {
  if (!where) return null;
  try {
    return await openWebsiteLedgerSummary({
      store: new ImportJobStore(where.stateDir),
      websiteId: where.websiteId,
      apiUrl: where.apiUrl,
    });
  } catch {
    return null;
  }
}

export async function runFullCheck(input: FullCheckInput): Promise<CheckReport> {
  const report = await scanContactsFile(input.path, {
    ledger: await openCheckLedger(input.ledger ?? null),
    overrides: input.overrides ?? {},
    mapping: input.mapping,
    dailyBudget: Math.max(1, input.requestsPerDay),
    progressIntervalMs: 100,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.issueSink ? { issueSink: input.issueSink } : {}),
  });
  const unchanged = report.unchanged;
  // The contacts still to send: distinct emails, less the rows that need no request.
  const contacts = Math.max(0, report.contacts - (unchanged?.rows ?? 0));
  return {
    rows: report.rows,
    valid: report.valid,
    invalid: report.invalid,
    warnings: report.warnings,
    duplicateEmails: report.duplicateEmails,
    issueGroups: report.issueGroups,
    estimate: {
      requests: report.estimate.requests,
      days: report.estimate.days,
      requestsPerDay: input.requestsPerDay,
      plan: input.quota
        ? planEstimateDays(report.estimate.requests, contacts, input.quota, Date.now(), unchanged)
        : null,
      undoable: {
        extraRequests: report.estimate.undoable.extraRequestsIfAllExist,
        daysIfAllExist: daysFor(
          report.estimate.requestsIfAllExist + report.estimate.undoable.extraRequestsIfAllExist,
          input.requestsPerDay,
        ),
      },
    },
    unchanged: unchanged
      ? {
          rows: unchanged.rows,
          requestsSaved: unchanged.requestsSaved,
          lastImportAt: unchanged.lastImportAt,
        }
      : null,
    encoding: report.encoding,
    // What the check found beyond the preview: a late encoding, report lines left out.
    notes: report.fullReadNotes,
    encodingSwitch:
      report.encodingSwitchedAtRow === null
        ? null
        : {
            encoding: report.encoding,
            row: report.encodingSwitchedAtRow,
            note: report.notes.find((note) => note.startsWith('Encoding:')) ?? '',
          },
  };
}
