/**
 * A sheet's rows, streamed from its XML part: each row with its number as Excel shows it, its
 * cells in their columns (a cell at C5 is the third value even when A5 and B5 are absent), each
 * cell's text as the person sees it. Rows with no value are left out (their numbers are kept).
 */
import { StringDecoder } from 'node:string_decoder';
import { columnOfRef, numberText, serialToIso, type DateKind } from './cell-values';
import type { SharedStrings } from './shared-strings';
import { damagedWorkbookError } from './workbook-error';
import type { WorkbookZip } from './workbook-zip';
import { createXmlParser } from './xml-stream';

export interface SheetRow {
  /** Row number as Excel shows it (1 is the first row). */
  row: number;
  /** Where the compressed bytes read so far end in the file (for progress; never decreases). */
  offset: number;
  cells: string[];
  /**
   * Read without the shared strings (`strings: null`): the cells that name one, as pairs of
   * column and string index; those cells are '' until filled in (see `firstRows`).
   */
  sharedStringCells?: number[];
}

export interface SheetReadContext {
  zip: WorkbookZip;
  part: string;
  /** Null: shared-string cells are left for the caller (`SheetRow.sharedStringCells`). */
  strings: SharedStrings | null;
  dateStyles: readonly DateKind[];
  date1904: boolean;
  signal?: AbortSignal | undefined;
  /** Rows before this one are parsed but neither given nor their cells read (a resume). */
  fromRow?: number;
}

/** Most cells a row may hold (Excel's own limit is 16,384 columns). */
const MAX_SHEET_COLUMNS = 16_384;
/** Longest cell text kept (Excel's own limit is 32,767 characters). */
const MAX_CELL_CHARS = 1024 * 1024;

/** A cell's text as Excel shows it, from its type (`t`), style (`s`) and value. */
function cellText(context: SheetReadContext, type: string, style: number, value: string): string {
  switch (type) {
    case 's':
      return context.strings?.get(Number(value)) ?? '';
    case 'b':
      return value.trim() === '1' || value.trim().toLowerCase() === 'true' ? 'true' : 'false';
    case 'inlineStr':
    case 'str':
    case 'e':
    case 'd':
      return value;
    default: {
      const kind = context.dateStyles[style] ?? null;
      return kind ? serialToIso(value, kind, context.date1904) : numberText(value);
    }
  }
}

export async function* readSheetRows(
  context: SheetReadContext,
): AsyncGenerator<SheetRow[], void, undefined> {
  const { zip, part } = context;
  const fromRow = context.fromRow ?? 0;
  const entry = zip.entry(part);
  if (!entry) throw damagedWorkbookError(`its sheet part ${part} is missing`);
  const dataStart = entry.relativeOffsetOfLocalHeader + 30 + Buffer.byteLength(entry.fileName);
  let rawBytes = 0;
  const stream = await zip.open(entry, (total) => (rawBytes = total));

  let pending: SheetRow[] = [];
  let rowNumber = 0;
  let cells: string[] | null = null;
  let filled = false;
  let column = -1;
  let cellType = '';
  let cellStyle = 0;
  let value = '';
  let collecting = false;
  let inInline = false;
  let phonetic = 0;
  let hasValue = false;
  let sharedStringCells: number[] | null = null;

  const finishCell = (): void => {
    if (!cells || column < 0 || column >= MAX_SHEET_COLUMNS || !hasValue) return;
    if (rowNumber < fromRow) return;
    if (cellType === 's' && context.strings === null) {
      (sharedStringCells ??= []).push(column, Number(value));
      while (cells.length < column) cells.push('');
      cells[column] = '';
      filled = true;
      return;
    }
    const text = cellText(context, cellType, cellStyle, value);
    if (text === '') return;
    while (cells.length < column) cells.push('');
    cells[column] = text;
    filled = true;
  };

  const feed = createXmlParser(part, {
    open(name, a) {
      if (name === 'row') {
        const r = Number(a.r);
        rowNumber = Number.isInteger(r) && r > rowNumber ? r : rowNumber + 1;
        cells = [];
        filled = false;
        column = -1;
        sharedStringCells = null;
      } else if (name === 'c') {
        const ref = a.r === undefined ? -1 : columnOfRef(a.r);
        column = ref >= 0 ? ref : column + 1;
        cellType = a.t ?? 'n';
        cellStyle = Number(a.s ?? 0) || 0;
        value = '';
        hasValue = false;
        inInline = false;
      } else if (name === 'v') {
        collecting = true;
        hasValue = true;
        value = '';
      } else if (name === 'is') {
        inInline = true;
        hasValue = true;
      } else if (name === 'rPh') phonetic++;
      else if (name === 't' && inInline && phonetic === 0) collecting = true;
    },
    close(name) {
      if (name === 'v' || name === 't') collecting = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'c') finishCell();
      else if (name === 'row') {
        if (cells && filled) {
          const row: SheetRow = { row: rowNumber, offset: dataStart + rawBytes, cells };
          if (sharedStringCells) row.sharedStringCells = sharedStringCells;
          pending.push(row);
        }
        cells = null;
      }
    },
    text(t) {
      if (collecting && value.length < MAX_CELL_CHARS) value += t;
    },
  });

  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      context.signal?.throwIfAborted();
      feed(decoder.write(chunk));
      if (pending.length > 0) {
        const batch = pending;
        pending = [];
        yield batch;
      }
    }
    feed(decoder.end());
    feed(null);
  } catch (error) {
    if ((error as { name?: string }).name === 'WorkbookError' || context.signal?.aborted)
      throw error;
    throw damagedWorkbookError(`the sheet part ${part} cannot be unpacked`, error);
  } finally {
    stream.destroy();
  }
  if (pending.length > 0) yield pending;
}
