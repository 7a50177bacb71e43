/**
 * The records a scan reads, in batches, with the encoding checked on the way: when the encoding
 * was UTF-8 by the sample at the start of the file only and a row holds bytes that are not UTF-8,
 * the whole file is checked (checkWholeFileEncoding). If it can only be a single-byte encoding,
 * reading goes on from that row in that encoding (every row before it is plain ASCII, which reads
 * the same, so no row already checked changes) and the detection says so; if it mixes UTF-8 and
 * other bytes, nothing is switched and a note says why those rows are refused. Total and footer
 * lines of a report are collected for the report (the reader leaves them out).
 */
import {
  checkWholeFileEncoding,
  encodingSwitchNote,
  mixedEncodingNote,
  needsWholeFileEncodingCheck,
  readCsvBatches,
  type CsvDetection,
  type CsvRecord,
  type ReportLine,
} from '../csv-reader';

/** Report lines kept for the report (the others are counted). */
const REPORT_LINE_LIMIT = 100;

export class ScanRecordSource implements AsyncIterator<CsvRecord[], void> {
  /** How the file is read: the detection given, switched to another encoding if it had to be. */
  detection: CsvDetection;
  /** The row from which the encoding was switched, when it was. */
  encodingSwitchedAtRow: number | null = null;
  reportLines: ReportLine[] = [];
  reportLineCount = 0;
  private iterator: AsyncGenerator<CsvRecord[], void, undefined>;
  private encodingChecked: boolean;

  constructor(
    private readonly path: string,
    detection: CsvDetection,
    private readonly signal?: AbortSignal,
  ) {
    this.detection = detection;
    this.encodingChecked = !needsWholeFileEncodingCheck(detection);
    this.iterator = this.open();
  }

  next(): Promise<IteratorResult<CsvRecord[], void>> {
    return this.iterator.next();
  }

  async return(): Promise<IteratorResult<CsvRecord[], void>> {
    await this.iterator.return(undefined);
    return { done: true, value: undefined };
  }

  /** True when `record` calls for the whole-file encoding check (once per scan). */
  shouldCheckEncoding(record: CsvRecord): boolean {
    if (this.encodingChecked || record.issues.length === 0) return false;
    return record.issues.some((issue) => issue.code === 'invalid_bytes');
  }

  /**
   * Checks the whole file's encoding at `record` (the first row with bytes that are not UTF-8).
   * Returns the records from that row on, read again in the encoding found, when it switched;
   * null when reading goes on as it was.
   */
  async checkEncodingAt(record: CsvRecord): Promise<CsvRecord[] | null> {
    this.encodingChecked = true;
    const check = await checkWholeFileEncoding(this.path, this.detection, this.signal);
    const where = `from row ${record.row.toLocaleString('en-US')} on`;
    if (check.verdict === 'mixed') {
      this.detection = {
        ...this.detection,
        notes: [...this.detection.notes, mixedEncodingNote(where)],
      };
      return null;
    }
    if (check.verdict !== 'switch') return null;
    const note = encodingSwitchNote(check.encoding, where);
    this.detection = {
      ...this.detection,
      format: { ...this.detection.format, encoding: check.encoding },
      detected: { ...this.detection.detected, encoding: check.encoding },
      encodingBasis: 'whole-file',
      notes: this.detection.notes.map((n) => (n.startsWith('Encoding:') ? note : n)),
    };
    this.encodingSwitchedAtRow = record.row;
    // Lines of the chunk already read past this row are read again.
    const kept = this.reportLines.filter((line) => line.row < record.row);
    this.reportLineCount -= this.reportLines.length - kept.length;
    this.reportLines = kept;
    await this.iterator.return(undefined);
    this.iterator = this.open({ offset: record.offset, row: record.row });
    const next = await this.iterator.next();
    return next.done ? [] : next.value;
  }

  private open(start?: {
    offset: number;
    row: number;
  }): AsyncGenerator<CsvRecord[], void, undefined> {
    return readCsvBatches(this.path, this.detection, {
      ...(this.signal ? { signal: this.signal } : {}),
      ...(start ? { startOffset: start.offset, startRow: start.row } : {}),
      onReportLine: (line) => {
        this.reportLineCount++;
        if (this.reportLines.length < REPORT_LINE_LIMIT) this.reportLines.push(line);
      },
    });
  }
}

/** Plain sentences about the report lines left out ("Row 57 (“Total”) is a total line…"). */
export function reportLineNotes(lines: readonly ReportLine[], count: number): string[] {
  const notes: string[] = [];
  const totals = lines.filter((line) => line.kind === 'total');
  const footers = lines.filter((line) => line.kind === 'footer');
  const extra = count - lines.length;
  if (totals.length > 0) {
    const one = totals.length === 1 && extra === 0;
    notes.push(
      `${rowsText(totals)} (${examples(totals)}) ${one ? 'is a total line' : 'are total lines'} of the report, not ${one ? 'a contact' : 'contacts'}: ${one ? 'it is' : 'they are'} not imported.`,
    );
  }
  if (footers.length > 0) {
    const one = footers.length === 1;
    notes.push(
      `${rowsText(footers)} at the end of the file (${examples(footers)}) ${one ? 'holds' : 'hold'} one value and no email, like the footer of a report, so ${one ? 'it is' : 'they are'} not imported. If ${one ? 'it is a contact' : 'they are contacts'}, add the email.`,
    );
  }
  if (extra > 0) notes.push(`${extra.toLocaleString('en-US')} more such lines are not imported.`);
  return notes;
}

function rowsText(lines: readonly ReportLine[]): string {
  const rows = lines.map((line) => line.row);
  if (rows.length === 1) return `Row ${rows[0]!.toLocaleString('en-US')}`;
  const consecutive = rows.every((row, i) => i === 0 || row === rows[i - 1]! + 1);
  if (consecutive) return `Rows ${rows[0]}–${rows.at(-1)}`;
  const shown = rows.slice(0, 8).join(', ');
  return `Rows ${shown}${rows.length > 8 ? '…' : ''}`;
}

function examples(lines: readonly ReportLine[]): string {
  const shown = lines.slice(0, 2).map((line) => `“${line.text}”`);
  return shown.join(', ') + (lines.length > 2 ? '…' : '');
}
