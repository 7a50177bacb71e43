// Workbooks the tests write (exceljs, as Excel would save them: shared strings, styles, dates).
import ExcelJS from 'exceljs';

export type CellInput =
  string | number | boolean | Date | null | { formula: string; result: string | number };

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
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: true,
  });
  const sheet = workbook.addWorksheet('Contacts');
  sheet.addRow(header).commit();
  for (let i = 0; i < rows; i++) sheet.addRow(row(i)).commit();
  sheet.commit();
  await workbook.commit();
}

/** A ZIP of stored (uncompressed) entries, for containers exceljs would never write. */
export function storedZip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text, 'utf8');
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * An OLE compound file whose directory names `streams` (an encrypted .xlsx holds EncryptionInfo
 * and EncryptedPackage; an old .xls holds Workbook).
 */
export function oleFile(streams: string[]): Buffer {
  const sector = 512;
  const file = Buffer.alloc(sector * 3);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file, 0);
  file.writeUInt16LE(0x003e, 0x18);
  file.writeUInt16LE(0x0003, 0x1a);
  file.writeUInt16LE(0xfffe, 0x1c);
  file.writeUInt16LE(9, 0x1e); // 512-byte sectors
  file.writeUInt32LE(1, 0x30); // the directory is sector 1 (at 1,024)
  const names = ['Root Entry', ...streams];
  names.forEach((name, i) => {
    const at = sector * 2 + i * 128;
    const bytes = Buffer.from(`${name}\0`, 'utf16le');
    bytes.copy(file, at);
    file.writeUInt16LE(bytes.length, at + 0x40);
  });
  return file;
}
