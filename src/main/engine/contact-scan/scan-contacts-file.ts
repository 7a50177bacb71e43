/**
 * The full-file scan: every row of a contacts file read, mapped and validated exactly as the
 * import will, nothing sent. One pass over the file with memory that stays flat whatever its
 * size, apart from the compact index of the emails seen (EmailIndex: at most 16 bytes an email).
 */
import type { ImportMapping } from '../../../shared/column-mapping';
import type { ContactProfile } from '../../../shared/contact-profile';
import {
  compileContactMapper,
  proposeMapping,
  validateMapping,
} from '../../../shared/contact-rules';
import type { CsvFormat } from '../../../shared/csv-format';
import type { RowIssue } from '../../../shared/row-issue';
import {
  mappingFromSourcePreset,
  recognizeSourceExport,
  type SourcePreset,
} from '../../../shared/source-presets';
import { detectCsvFormat, type CsvRecord } from '../csv-reader';
import { EmailIndex } from '../email-index';
import { mappingFromUserPreset, proposeMappingForHeaders, type UserPreset } from '../presets';
import type {
  ContactScanReport,
  RecognizedSourceFormat,
  ScanMappingSource,
  ScanProgress,
} from './contact-scan-report';
import type { IssueSink } from './issues-csv';
import { DEFAULT_GROUP_ROW_LIMIT, DEFAULT_ISSUE_LIMIT, IssueTally } from './issue-tally';
import { ContactRequestTally, DEFAULT_DAILY_BUDGET } from './request-estimate';
import { UnchangedRowCounter } from './unchanged-rows';
import type { LedgerCheckSource } from '../change-ledger';
import { reportLineNotes, ScanRecordSource } from './scan-record-source';

/** A preset chosen by the person: a built-in export format or one of their saved presets. */
export type ScanPreset =
  { kind: 'built-in'; preset: SourcePreset } | { kind: 'user'; preset: UserPreset };

export interface ScanContactsOptions {
  /** Encoding, separator, header (and its row) chosen by the person (detected otherwise). */
  overrides?: Partial<CsvFormat>;
  /** The mapping to use. Without it (and without `preset`), one is proposed for the file. */
  mapping?: ImportMapping;
  /** A preset whose mapping is applied to the file's columns (when `mapping` is not given). */
  preset?: ScanPreset;
  /** Saved presets considered when a mapping is proposed (a matching one wins over a built-in). */
  userPresets?: readonly UserPreset[];
  /** Requests a day the import may spend, for the days estimate. Default 10,000. */
  dailyBudget?: number;
  signal?: AbortSignal;
  /** Called at most every `progressIntervalMs`, and once at the end. */
  onProgress?: (progress: ScanProgress) => void;
  /** Default 200 ms. */
  progressIntervalMs?: number;
  /** Receives every issue of the file, in order (an IssuesCsvWriter writes them all as CSV). */
  issueSink?: IssueSink;
  /** Issues kept in the report (the first ones). Default 1,000. */
  issueLimit?: number;
  /** Row numbers kept per issue group. Default 1,000. */
  groupRowLimit?: number;
  /**
   * The change ledger of the website the file is for (its summary, `ChangeLedger.openSummary`,
   * or the ledger itself): rows whose contact is what this app last wrote there are counted
   * `unchanged` (not in the estimate). Without it, `unchanged` is null.
   */
  ledger?: LedgerCheckSource | null;
}

/** Rows looked at to propose a mapping (finding the email column from its values). */
const SAMPLE_ROWS = 100;
/**
 * Valid rows go on (into the email index, the unchanged rows, the estimate) this many at a
 * time: a reader's batch can hold thousands of rows, and their contacts need not all be alive.
 */
const VALID_BLOCK_ROWS = 512;

/**
 * Scans the whole file. Rejects with a CsvFileError when the file cannot be read as CSV (its
 * message is a plain sentence), and with the signal's reason when cancelled.
 */
export async function scanContactsFile(
  path: string,
  options: ScanContactsOptions = {},
): Promise<ContactScanReport> {
  const started = performance.now();
  const { signal, onProgress, issueSink } = options;
  signal?.throwIfAborted();
  const detection = await detectCsvFormat(path, options.overrides ?? {}, {
    allowNoContacts: true,
  });
  signal?.throwIfAborted();
  const header = detection.format.header;
  const columns = detection.headers;
  /** What the mapper and the mapping checks resolve columns against (none: by position). */
  const mappedHeaders = header ? columns : [];

  // The records, with the encoding checked on the way (see scan-record-source.ts).
  const iterator = new ScanRecordSource(path, detection, signal);
  try {
    let next = await iterator.next();
    const firstBatch: CsvRecord[] = next.done ? [] : next.value;

    const recognition = header ? recognizeSourceExport(columns) : null;
    const recognizedFormat: RecognizedSourceFormat | null = recognition
      ? {
          id: recognition.preset.id,
          name: recognition.preset.name,
          tool: recognition.preset.tool,
          score: recognition.score,
          message: recognition.message,
        }
      : null;
    const { mapping, mappingSource } = chooseMapping(
      columns,
      header,
      firstBatch.slice(0, SAMPLE_ROWS).map((record) => record.fields),
      options,
    );
    const mappingIssues = validateMapping(mapping, mappedHeaders);
    const mapper = compileContactMapper(mapping, mappedHeaders);

    const tally = new IssueTally(
      options.issueLimit ?? DEFAULT_ISSUE_LIMIT,
      options.groupRowLimit ?? DEFAULT_GROUP_ROW_LIMIT,
    );
    const duplicateLimit = options.issueLimit ?? DEFAULT_ISSUE_LIMIT;
    const emails = new EmailIndex();
    const requests = new ContactRequestTally();
    const unchangedRows = options.ledger?.size
      ? new UnchangedRowCounter(options.ledger, mapping.emptyCells)
      : null;
    const progressInterval = options.progressIntervalMs ?? 200;
    let lastProgressAt = performance.now();
    let rows = 0;
    let valid = 0;
    let warnings = 0;
    let duplicateEmails = 0;
    const duplicateRows: number[] = [];
    // The valid rows of the current block, their emails and row numbers.
    const validContacts: ContactProfile[] = [];
    const validEmails: string[] = [];
    const validRows: number[] = [];
    let validCount = 0;
    const repeatedFlags = new Uint8Array(VALID_BLOCK_ROWS);

    const note = (issue: RowIssue): boolean => {
      tally.add(issue);
      issueSink?.write(issue);
      return issue.severity === 'error';
    };
    if (header && detection.dataStartOffset >= detection.fileSize) note(noContactsIssue(detection));

    /** The block's emails go into the index together (quicker than one by one), in file order. */
    const takeValidBlock = (): void => {
      emails.addAll(validEmails, validCount, repeatedFlags);
      for (let k = 0; k < validCount; k++) {
        const repeated = repeatedFlags[k] === 1;
        if (repeated) {
          duplicateEmails++;
          if (duplicateRows.length < duplicateLimit) duplicateRows.push(validRows[k]!);
        }
        const contact = validContacts[k]!;
        if (unchangedRows) {
          const cost = requests.costIfExisting(contact, repeated);
          if (unchangedRows.add(contact, repeated, cost)) continue;
        }
        requests.add(contact, repeated);
      }
      validContacts.length = 0;
      validEmails.length = 0;
      validRows.length = 0;
      validCount = 0;
    };

    let batch = firstBatch;
    for (;;) {
      for (let i = 0; i < batch.length; i++) {
        const record = batch[i]!;
        if (iterator.shouldCheckEncoding(record)) {
          const again = await iterator.checkEncodingAt(record);
          if (again !== null) {
            batch = again; // the same row and the rest, read in the encoding found
            i = -1;
            continue;
          }
        }
        rows++;
        let hasError = false;
        let hasWarning = false;
        const readerIssues = record.issues;
        for (let k = 0; k < readerIssues.length; k++) {
          if (note(readerIssues[k]!)) hasError = true;
          else hasWarning = true;
        }
        const mapped = mapper.mapRow(record.fields, record.row);
        const issues = mapped.issues;
        for (let k = 0; k < issues.length; k++) {
          if (note(issues[k]!)) hasError = true;
          else hasWarning = true;
        }
        const contact = mapped.contact;
        if (hasError || contact === null) continue;
        valid++;
        if (hasWarning) warnings++;
        validContacts[validCount] = contact;
        validEmails[validCount] = contact.email;
        validRows[validCount] = record.row;
        validCount++;
        if (validCount === VALID_BLOCK_ROWS) takeValidBlock();
      }
      if (validCount > 0) takeValidBlock();
      if (onProgress && batch.length > 0) {
        const now = performance.now();
        if (now - lastProgressAt >= progressInterval) {
          lastProgressAt = now;
          onProgress({
            rows,
            bytesRead: batch[batch.length - 1]!.offset,
            totalBytes: detection.fileSize,
          });
        }
      }
      const behind = issueSink?.drained();
      if (behind) await behind;
      signal?.throwIfAborted();
      next = await iterator.next();
      if (next.done) break;
      batch = next.value;
    }
    onProgress?.({ rows, bytesRead: detection.fileSize, totalBytes: detection.fileSize });
    let unchanged: ContactScanReport['unchanged'] = null;
    if (unchangedRows) {
      const { found, sentAfterAll } = unchangedRows.finish();
      requests.addRequests(sentAfterAll);
      unchanged = found;
    }
    const read = iterator.detection; // as read: the encoding may have been switched
    const lineNotes = reportLineNotes(iterator.reportLines, iterator.reportLineCount);
    const fullReadNotes = [...read.notes.filter((n) => !detection.notes.includes(n)), ...lineNotes];

    return {
      path,
      fileSize: detection.fileSize,
      encoding: read.format.encoding,
      delimiter: detection.format.delimiter,
      header,
      headerRow: detection.format.headerRow ?? null,
      skippedRows: detection.skippedRows ?? [],
      sheet: detection.format.sheet ?? null,
      sheets: detection.sheets ?? [],
      detected: read.detected,
      notes: [...read.notes, ...lineNotes],
      fullReadNotes,
      encodingSwitchedAtRow: iterator.encodingSwitchedAtRow,
      reportLines: iterator.reportLines,
      columns,
      mapping,
      mappingSource,
      mappingIssues,
      recognizedFormat,
      rows,
      valid,
      invalid: rows - valid,
      warnings,
      warningsByCode: tally.warningsByCode,
      errorsByCode: tally.errorsByCode,
      duplicateEmails,
      duplicateRows,
      contacts: emails.size,
      issues: tally.first,
      issueCount: tally.count,
      issueGroups: tally.issueGroups(),
      estimate: requests.estimate(options.dailyBudget ?? DEFAULT_DAILY_BUDGET),
      unchanged,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    // Closes the file when the scan stops early (an error or a cancel).
    await iterator.return();
  }
}

/** The issue of a file with column names and no contacts under them. */
function noContactsIssue(detection: { headers: string[]; format: CsvFormat }): RowIssue {
  const row = detection.format.headerRow ?? 1;
  const names =
    detection.headers.slice(0, 4).join(', ') + (detection.headers.length > 4 ? '…' : '');
  return {
    row,
    severity: 'error',
    code: 'no_contacts',
    message: `The file has column names on row ${row} (${names}) but no contacts under them, so there is nothing to import. Choose the file that holds the contacts, or choose the row that holds the column names if it is another one.`,
  };
}

function chooseMapping(
  columns: string[],
  header: boolean,
  sampleRows: string[][],
  options: ScanContactsOptions,
): { mapping: ImportMapping; mappingSource: ScanMappingSource } {
  if (options.mapping) {
    return {
      mapping: options.mapping,
      mappingSource: { origin: 'given', message: 'The mapping you gave is used.' },
    };
  }
  const preset = options.preset;
  if (preset) {
    const mapping =
      preset.kind === 'built-in'
        ? mappingFromSourcePreset(preset.preset, columns)
        : mappingFromUserPreset(preset.preset, columns);
    return {
      mapping,
      mappingSource: {
        origin: preset.kind === 'built-in' ? 'built-in' : 'user-preset',
        presetName: preset.preset.name,
        presetId: preset.preset.id,
        message: `The preset "${preset.preset.name}" is used.`,
      },
    };
  }
  if (!header) {
    return {
      mapping: proposeMapping(columns, sampleRows),
      mappingSource: {
        origin: 'automatic',
        message:
          'The file has no header row, so only the email column was looked for, by its values. Map the other columns yourself.',
      },
    };
  }
  const proposal = proposeMappingForHeaders(columns, options.userPresets ?? [], sampleRows);
  const mappingSource: ScanMappingSource = { origin: proposal.origin, message: proposal.message };
  if (proposal.presetName !== undefined) mappingSource.presetName = proposal.presetName;
  if (proposal.presetId !== undefined) mappingSource.presetId = proposal.presetId;
  return { mapping: proposal.mapping, mappingSource };
}
