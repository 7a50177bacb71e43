// Workbooks the tests write (exceljs, as Excel would save them: shared strings, styles, dates).
import ExcelJS from 'exceljs';

export type CellInput = string | number | boolean | Date | null | { formula: string; result: string | number };

export interface SheetInput {
  name: string;
  rows: CellInput[][];
  /** Number formats by column (1-based), e.g. { 4: 'yyyy-mm-dd' }. */
  formats?: Record<number, string>;
  /** Cells written at a reference, leaving the cells before them absent (sparse rows). */
  cells?: Record<string, CellInput>;
}

export async function writeWorkbook(path: string, sheets: SheetInput[]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  for (const input of sheets) {
    const sheet = workbook.addWorksheet(input.name);
    for (const row of input.rows) sheet.addRow(row);
    for (const [column, format] of Object.entries(input.formats ?? {})) {
      sheet.getColumn(Number(column)).numFmt = format;
    }
    for (const [ref, value] of Object.entries(input.cells ?? {})) sheet.getCell(ref).value = value;
  }
  await workbook.xlsx.writeFile(path);
}

/** A large sheet written as a stream (never the whole workbook in memory). */
export async function writeLargeWorkbook(
  path: string,
  rows: number,
  row: (i: number) => CellInput[],
  header: string[],
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const sheet = workbook.addWorksheet('Contacts');
  sheet.addRow(header).commit();
  for (let i = 0; i < rows; i++) sheet.addRow(row(i)).commit();
  sheet.commit();
  await workbook.commit();
}
