/**
 * A workbook opened for reading: its sheets, the default one (the first that holds contacts) and
 * each sheet's rows as a stream. Shared strings and styles are read once, before any row.
 */
import type { DateKind } from './cell-values';
import type { SharedStrings } from './shared-strings';
import { readSheetRows, type SheetRow } from './sheet-rows';
import {
  readDateStyles,
  readSharedStrings,
  readWorkbookLayout,
  type WorkbookSheet,
} from './workbook-parts';
import { WorkbookError } from './workbook-error';
import { openWorkbookZip, type WorkbookZip } from './workbook-zip';

export interface OpenWorkbook {
  sheets: WorkbookSheet[];
  rows(sheet: WorkbookSheet, signal?: AbortSignal): AsyncGenerator<SheetRow[], void, undefined>;
  close(): void;
}

export async function openWorkbook(path: string): Promise<OpenWorkbook> {
  const zip: WorkbookZip = await openWorkbookZip(path);
  try {
    const layout = await readWorkbookLayout(zip);
    let parts: { strings: SharedStrings; dateStyles: DateKind[] } | null = null;
    return {
      sheets: layout.sheets,
      async *rows(sheet, signal) {
        parts ??= { dateStyles: await readDateStyles(zip), strings: await readSharedStrings(zip) };
        yield* readSheetRows({
          zip,
          part: sheet.part,
          date1904: layout.date1904,
          signal,
          ...parts,
        });
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
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
    let seen = 0;
    for await (const batch of workbook.rows(sheet)) {
      for (const row of batch) {
        if (row.cells.some((cell) => EMAIL.test(cell.trim()))) return sheet;
        if (++seen >= ROWS_LOOKED_AT) break;
      }
      if (seen >= ROWS_LOOKED_AT) break;
    }
  }
  return workbook.sheets[0]!;
}
