/**
 * A workbook opened for reading: its sheets, the default one (the first that holds contacts),
 * a sheet's first rows (for detection: only the shared strings they use are read) and each
 * sheet's rows as a stream (all the shared strings are read once, before the first row).
 */
import type { DateKind } from './cell-values';
import type { SharedStrings } from './shared-strings';
import { readSheetRows, type SheetRow } from './sheet-rows';
import {
  readDateStyles,
  readSharedStrings,
  readSomeSharedStrings,
  readWorkbookLayout,
  type WorkbookSheet,
} from './workbook-parts';
import { WorkbookError } from './workbook-error';
import { openWorkbookZip, type WorkbookZip } from './workbook-zip';

export interface OpenWorkbook {
  sheets: WorkbookSheet[];
  /** The sheet's rows, from `fromRow` on (the rows before are read past, not given). */
  rows(
    sheet: WorkbookSheet,
    signal?: AbortSignal,
    fromRow?: number,
  ): AsyncGenerator<SheetRow[], void, undefined>;
  /**
   * The sheet's first `count` rows, the same as `rows` gives them, without holding all the shared
   * strings: a million-row sheet's strings would cost tens of MB for a look at 200 rows.
   */
  firstRows(sheet: WorkbookSheet, count: number): Promise<SheetRow[]>;
  close(): void;
}

export async function openWorkbook(path: string): Promise<OpenWorkbook> {
  const zip: WorkbookZip = await openWorkbookZip(path);
  try {
    const layout = await readWorkbookLayout(zip);
    let parts: { strings: SharedStrings; dateStyles: DateKind[] } | null = null;
    let dateStyles: DateKind[] | null = null;
    return {
      sheets: layout.sheets,
      async firstRows(sheet, count) {
        dateStyles ??= parts?.dateStyles ?? (await readDateStyles(zip));
        const rows: SheetRow[] = [];
        const context = { zip, part: sheet.part, date1904: layout.date1904, dateStyles };
        for await (const batch of readSheetRows({ ...context, strings: parts?.strings ?? null })) {
          rows.push(...batch.slice(0, count - rows.length));
          if (rows.length >= count) break;
        }
        return fillSharedStrings(zip, rows);
      },
      async *rows(sheet, signal, fromRow) {
        parts ??= { dateStyles: await readDateStyles(zip), strings: await readSharedStrings(zip) };
        yield* readSheetRows({
          zip,
          part: sheet.part,
          date1904: layout.date1904,
          signal,
          ...(fromRow !== undefined ? { fromRow } : {}),
          ...parts,
        });
      },
      close: () => {
        parts?.strings.close();
        zip.close();
      },
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** The shared-string cells of rows read without the shared strings, filled in (as `rows` gives). */
async function fillSharedStrings(zip: WorkbookZip, rows: SheetRow[]): Promise<SheetRow[]> {
  const wanted = new Set<number>();
  for (const row of rows) {
    const refs = row.sharedStringCells ?? [];
    for (let i = 1; i < refs.length; i += 2) {
      if (Number.isInteger(refs[i]) && refs[i]! >= 0) wanted.add(refs[i]!);
    }
  }
  if (wanted.size === 0) return rows;
  const found = await readSomeSharedStrings(zip, wanted);
  const filled: SheetRow[] = [];
  for (const row of rows) {
    const refs = row.sharedStringCells;
    if (refs === undefined) {
      filled.push(row);
      continue;
    }
    delete row.sharedStringCells;
    for (let i = 0; i < refs.length; i += 2) row.cells[refs[i]!] = found.get(refs[i + 1]!) ?? '';
    // As `rows` reads them: an empty string is no value, and a row with no value is left out.
    while (row.cells.length > 0 && row.cells[row.cells.length - 1] === '') row.cells.pop();
    if (row.cells.length > 0) filled.push(row);
  }
  return filled;
}

/**
 * The sheet asked for by name (as its tab shows it, case aside) or by number (1 is the first tab).
 */
export function findSheet(sheets: readonly WorkbookSheet[], wanted: string): WorkbookSheet {
  const trimmed = wanted.trim();
  const byName =
    sheets.find((s) => s.name === trimmed) ??
    sheets.find((s) => s.name.toLowerCase() === trimmed.toLowerCase());
  if (byName) return byName;
  if (/^\d+$/.test(trimmed)) {
    const byNumber = sheets.find((s) => s.number === Number(trimmed));
    if (byNumber) return byNumber;
  }
  const names = sheets.map((s) => `“${s.name}”`).join(', ');
  throw new WorkbookError(
    'sheet_not_found',
    `This workbook has no sheet “${trimmed}”. Its sheets are ${names}: choose one by its name or its number (1 is the first).`,
  );
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
/** Rows looked at in each sheet for an email (the header guess looks at as many). */
const ROWS_LOOKED_AT = 200;

/** The first sheet with an email among its first rows (contacts), else the first sheet. */
export async function defaultSheet(workbook: OpenWorkbook): Promise<WorkbookSheet> {
  for (const sheet of workbook.sheets) {
    const rows = await workbook.firstRows(sheet, ROWS_LOOKED_AT);
    if (rows.some((row) => row.cells.some((cell) => EMAIL.test(cell.trim())))) return sheet;
  }
  return workbook.sheets[0]!;
}
