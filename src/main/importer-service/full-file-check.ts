/**
 * The full-file check: every row read and mapped exactly as the import will, nothing sent.
 * Issues are grouped by code (and column) with counts and row numbers; duplicate emails inside
 * the file are counted with a compact index (one 53-bit hash per distinct email); the request
 * and days estimate uses the connection's usable daily budget. Memory stays flat whatever the
 * file's size, apart from that index. Runs in the engine worker (never on the main thread).
 */
import type { CheckReport, CsvFormatOverrides, IssueGroup } from '../../shared/ipc-contract';
import type { ImportMapping } from '../../shared/column-mapping';
import type { RowIssue } from '../../shared/row-issue';
import { compileContactMapper } from '../../shared/contact-rules';
import { detectCsvFormat, readCsvBatches } from '../engine/csv-reader';

/** Row numbers kept per issue group (the count says how many in all). */
export const MAX_ROWS_PER_GROUP = 1000;

export interface FullCheckInput {
  path: string;
  overrides: CsvFormatOverrides | undefined;
  mapping: ImportMapping;
  /** Requests a day the import may spend (budget minus reserve). */
  requestsPerDay: number;
  signal?: AbortSignal;
  onProgress?: (progress: { rows: number; bytesRead: number; totalBytes: number }) => void;
  /** Called with every issue (the issues CSV export); optional. */
  onIssue?: (issue: RowIssue) => void;
}

/** FNV-1a over UTF-16 code units, two lanes, folded to 53 bits: a compact email fingerprint. */
export function emailFingerprint(email: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ email.length;
  for (let i = 0; i < email.length; i++) {
    const c = email.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

export async function runFullCheck(input: FullCheckInput): Promise<CheckReport> {
  const detection = await detectCsvFormat(input.path, input.overrides ?? {});
  const mapper = compileContactMapper(input.mapping, detection.headers);
  const groups = new Map<string, IssueGroup>();
  const seen = new Set<number>();
  let rows = 0;
  let valid = 0;
  let invalid = 0;
  let warnings = 0;
  let duplicateEmails = 0;
  let requests = 0;
  let lastProgress = 0;

  const addIssue = (issue: RowIssue): void => {
    input.onIssue?.(issue);
    const key = `${issue.code}\u0000${issue.column ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        code: issue.code,
        severity: issue.severity,
        column: issue.column ?? null,
        message: issue.message,
        count: 0,
        rows: [],
      };
      groups.set(key, group);
    }
    group.count++;
    if (group.rows.length < MAX_ROWS_PER_GROUP && group.rows.at(-1) !== issue.row) {
      group.rows.push(issue.row);
    }
  };

  for await (const batch of readCsvBatches(input.path, detection, {
    ...(input.signal ? { signal: input.signal } : {}),
  })) {
    if (input.signal?.aborted) break;
    for (const record of batch) {
      rows++;
      for (const issue of record.issues) addIssue(issue);
      const readerError = record.issues.some((issue) => issue.severity === 'error');
      const mapped = mapper.mapRow(record.fields, record.row);
      for (const issue of mapped.issues) addIssue(issue);
      if (readerError || !mapped.contact) {
        invalid++;
        continue;
      }
      valid++;
      if (mapped.issues.length > 0 || record.issues.length > 0) warnings++;
      const contact = mapped.contact;
      const hasData = Object.keys(contact.data).length > 0 || contact.clearedDataKeys.length > 0;
      const fingerprint = emailFingerprint(contact.email);
      if (seen.has(fingerprint)) {
        duplicateEmails++;
        // A later row of the same email updates what this import wrote: one write, plus data.
        requests += 1 + (hasData ? 1 : 0);
      } else {
        seen.add(fingerprint);
        // A new contact: one create, plus one custom data write when it has custom data.
        requests += 1 + (hasData ? 1 : 0);
      }
    }
    const last = batch.at(-1);
    const now = Date.now();
    if (last && input.onProgress && now - lastProgress >= 100) {
      lastProgress = now;
      input.onProgress({ rows, bytesRead: last.offset, totalBytes: detection.fileSize });
    }
  }
  input.onProgress?.({ rows, bytesRead: detection.fileSize, totalBytes: detection.fileSize });

  const perDay = Math.max(1, input.requestsPerDay);
  const issueGroups = [...groups.values()].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || b.count - a.count,
  );
  return {
    rows,
    valid,
    invalid,
    warnings,
    duplicateEmails,
    issueGroups,
    estimate: {
      requests,
      days: requests === 0 ? 0 : Math.ceil(requests / perDay),
      requestsPerDay: input.requestsPerDay,
    },
  };
}
