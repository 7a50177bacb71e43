/**
 * What the first bytes of a file say it is: an Excel workbook (.xlsx/.xlsm: a ZIP holding xl/),
 * another ZIP (an OpenDocument or Numbers spreadsheet, an archive), or an OLE compound file, which
 * is either an old binary workbook (.xls) or a password-protected .xlsx (Excel encrypts into an
 * OLE file holding EncryptionInfo and EncryptedPackage streams).
 */
import type { FileHandle } from 'node:fs/promises';

export type HeadKind = 'xlsx' | 'ods' | 'numbers' | 'zip' | 'ole' | null;

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  return bytes.every((b, i) => head[i] === b);
}

export function kindOfHead(head: Uint8Array): HeadKind {
  if (startsWith(head, OLE)) return 'ole';
  if (!startsWith(head, ZIP) && !startsWith(head, ZIP_EMPTY)) return null;
  const names = Buffer.from(head.subarray(0, 64 * 1024)).toString('latin1');
  if (names.includes('opendocument.spreadsheet')) return 'ods';
  if (names.includes('Index/Document.iwa') || names.includes('.iwa')) return 'numbers';
  if (names.includes('xl/') || names.includes('[Content_Types].xml')) return 'xlsx';
  return 'zip';
}

const ENCRYPTION_NAMES = ['EncryptionInfo', 'EncryptedPackage'].map((n) =>
  Buffer.from(n, 'utf16le'),
);

/** Whether an OLE compound file is an encrypted OOXML workbook (its directory names the streams). */
export async function oleIsEncryptedWorkbook(handle: FileHandle, size: number): Promise<boolean> {
  const read = async (position: number, length: number): Promise<Buffer> => {
    const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
    if (buffer.length > 0) await handle.read(buffer, 0, buffer.length, position);
    return buffer;
  };
  const header = await read(0, 512);
  const holds = (b: Buffer): boolean => ENCRYPTION_NAMES.some((name) => b.includes(name));
  if (header.length >= 0x34) {
    const sectorSize = 2 ** header.readUInt16LE(0x1e);
    const firstDirectorySector = header.readUInt32LE(0x30);
    if (sectorSize >= 128 && sectorSize <= 65536 && firstDirectorySector < 0xfffffffa) {
      const position = (firstDirectorySector + 1) * sectorSize;
      if (position < size && holds(await read(position, sectorSize))) return true;
    }
  }
  return holds(await read(0, 256 * 1024));
}
