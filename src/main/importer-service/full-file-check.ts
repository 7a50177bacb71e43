/**
 * The full-file check of the desktop app: the engine's scan (contact-scan), which reads and maps
 * every row exactly as the import will and sends nothing, reshaped for the IPC contract. Runs in
 * the engine worker (never on the main thread).
 */
import type { CheckReport, CsvFormatOverrides } from '../../shared/ipc-contract';
import type { ImportMapping } from '../../shared/column-mapping';
import { scanContactsFile, type IssueSink } from '../engine/contact-scan';

export interface FullCheckInput {
  path: string;
  overrides: CsvFormatOverrides | undefined;
  mapping: ImportMapping;
  /** Requests a day the import may spend (budget minus reserve). */
  requestsPerDay: number;
  signal?: AbortSignal;
  onProgress?: (progress: { rows: number; bytesRead: number; totalBytes: number }) => void;
  /** Receives every issue of the file (the issues CSV export); optional. */
  issueSink?: IssueSink;
}

export async function runFullCheck(input: FullCheckInput): Promise<CheckReport> {
  const report = await scanContactsFile(input.path, {
    overrides: input.overrides ?? {},
    mapping: input.mapping,
    dailyBudget: Math.max(1, input.requestsPerDay),
    progressIntervalMs: 100,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.issueSink ? { issueSink: input.issueSink } : {}),
  });
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
    },
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
