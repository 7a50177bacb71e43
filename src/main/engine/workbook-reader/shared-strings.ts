/**
 * The workbook's shared strings (most text cells point into this list) in a compact store whose
 * memory does not grow with the workbook: their UTF-8 bytes in pages of 64 KiB, each string
 * after its length, and the position of every 32nd string. Up to `memoryBytes` of pages stay in
 * memory; past that, the oldest pages go to a temporary file and are read back through a small
 * cache of pages. Rows use the strings nearly in order (Excel numbers them as first met), so the
 * cache serves almost every cell.
 *
 * Layout of a page: entries of a varint (the string's byte length + 1) and the bytes; a 0 byte
 * means the rest of the page is unused (a string never spans two pages: one that does not fit
 * starts the next). A string longer than a quarter page (rare: a note, a long address) is kept as
 * a JS string, with an empty entry in the pages.
 *
 * The temporary file is private to the process (mode 0600) and, where the system allows it,
 * removed from its folder as soon as it is open, so nothing is left behind even after a crash;
 * `close()` closes (and else removes) it.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporaryFolderError } from './workbook-error';

const PAGE_BITS = 16;
const PAGE_BYTES = 1 << PAGE_BITS;
const LONG_BYTES = PAGE_BYTES / 4;
/** Every this many strings, the position of one is kept (a lookup walks at most 31 entries). */
const STRIDE_BITS = 5;
/** Positions kept in blocks of this many (no copy when they grow). */
const POSITIONS_BLOCK = 1 << 14;
/** Pages kept in memory before they go to the temporary file. */
const DEFAULT_MEMORY_BYTES = 16 * 1024 * 1024;
/** Pages read back from the file kept at once. */
const CACHED_PAGES = 32;

export interface SharedStringsOptions {
  /** Bytes of pages kept in memory before the oldest go to a temporary file (default 16 MiB). */
  memoryBytes?: number;
  /** Where the temporary file goes (default the system's temporary folder). */
  tempDir?: string;
}

export class SharedStrings {
  /** Pages by number; null once written to the file. */
  private readonly pages: (Buffer | null)[] = [];
  private readonly residentLimit: number;
  /** The first page still in memory (all before it are in the file). */
  private firstResident = 0;
  /** Offset in the last page of the next entry. */
  private tail = PAGE_BYTES;
  private readonly positions: Float64Array[] = [];
  private size = 0;
  private readonly long = new Map<number, string>();
  private readonly tempDir: string;
  private file: { fd: number; path: string | null } | null = null;
  private readonly cache = new Map<number, Buffer>();
  private closed = false;

  constructor(options: SharedStringsOptions = {}) {
    this.residentLimit = Math.max(
      2,
      Math.floor((options.memoryBytes ?? DEFAULT_MEMORY_BYTES) / PAGE_BYTES),
    );
    this.tempDir = options.tempDir ?? tmpdir();
  }

  get count(): number {
    return this.size;
  }

  /** Pages written to the temporary file so far. */
  get pagesInFile(): number {
    return this.firstResident;
  }

  add(text: string): void {
    const index = this.size;
    let bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > LONG_BYTES) {
      this.long.set(index, text);
      bytes = 0;
      text = '';
    }
    const header = varintLength(bytes + 1);
    if (this.tail + header + bytes > PAGE_BYTES) this.startPage();
    const pageNumber = this.pages.length - 1;
    if ((index & ((1 << STRIDE_BITS) - 1)) === 0) {
      const slot = index >>> STRIDE_BITS;
      if (slot % POSITIONS_BLOCK === 0) this.positions.push(new Float64Array(POSITIONS_BLOCK));
      this.positions[Math.floor(slot / POSITIONS_BLOCK)]![slot % POSITIONS_BLOCK] =
        pageNumber * PAGE_BYTES + this.tail;
    }
    const page = this.pages[pageNumber]!;
    this.tail = writeVarint(page, this.tail, bytes + 1);
    if (bytes > 0) this.tail += page.write(text, this.tail, bytes, 'utf8');
    this.size += 1;
  }

  /** The string at `index`, or undefined when the workbook has none there. */
  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.size || this.closed) {
      return undefined;
    }
    const slot = index >>> STRIDE_BITS;
    const at = this.positions[Math.floor(slot / POSITIONS_BLOCK)]![slot % POSITIONS_BLOCK]!;
    let pageNumber = Math.floor(at / PAGE_BYTES);
    let page = this.page(pageNumber);
    let offset = at % PAGE_BYTES;
    for (let skip = index & ((1 << STRIDE_BITS) - 1); ; skip--) {
      if (offset >= PAGE_BYTES || page[offset] === 0) {
        pageNumber += 1;
        page = this.page(pageNumber);
        offset = 0;
      }
      const { value, next } = readVarint(page, offset);
      if (skip === 0) {
        if (value === 1) return this.long.get(index) ?? '';
        return page.toString('utf8', next, next + value - 1);
      }
      offset = next + value - 1;
    }
  }

  /** Closes the temporary file (and removes it where it could not be removed when opened). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pages.length = 0;
    this.cache.clear();
    if (!this.file) return;
    closeSync(this.file.fd);
    if (this.file.path) rmSync(join(this.file.path, '..'), { recursive: true, force: true });
    this.file = null;
  }

  /** A new page at the end; the oldest in memory goes to the file past the limit. */
  private startPage(): void {
    const last = this.pages.length - 1;
    if (last >= 0 && this.tail < PAGE_BYTES) this.pages[last]![this.tail] = 0;
    this.pages.push(Buffer.allocUnsafe(PAGE_BYTES));
    this.tail = 0;
    if (this.pages.length - this.firstResident > this.residentLimit) this.evictOldest();
  }

  private evictOldest(): void {
    const number = this.firstResident;
    const page = this.pages[number]!;
    try {
      const file = this.openFile();
      let written = 0;
      while (written < PAGE_BYTES) {
        written += writeSync(
          file.fd,
          page,
          written,
          PAGE_BYTES - written,
          number * PAGE_BYTES + written,
        );
      }
    } catch (error) {
      throw temporaryFolderError(this.tempDir, error);
    }
    this.pages[number] = null;
    this.firstResident += 1;
  }

  private openFile(): { fd: number; path: string | null } {
    if (this.file) return this.file;
    const dir = mkdtempSync(join(this.tempDir, 'crisp-import-strings-'));
    const path = join(dir, 'shared-strings');
    const fd = openSync(path, 'wx+', 0o600);
    let kept: string | null = path;
    try {
      // Removed from the folder now where the system allows it (the open file stays readable).
      unlinkSync(path);
      rmSync(dir, { recursive: true, force: true });
      kept = null;
    } catch {
      // Windows: an open file cannot be removed; close() removes it.
    }
    this.file = { fd, path: kept };
    return this.file;
  }

  private page(number: number): Buffer {
    const resident = this.pages[number];
    if (resident) return resident;
    const cached = this.cache.get(number);
    if (cached) {
      // Most recently used last.
      this.cache.delete(number);
      this.cache.set(number, cached);
      return cached;
    }
    let buffer: Buffer;
    if (this.cache.size >= CACHED_PAGES) {
      const oldest = this.cache.keys().next().value as number;
      buffer = this.cache.get(oldest)!;
      this.cache.delete(oldest);
    } else buffer = Buffer.allocUnsafe(PAGE_BYTES);
    let read = 0;
    try {
      while (read < PAGE_BYTES) {
        const n = readSync(
          this.file!.fd,
          buffer,
          read,
          PAGE_BYTES - read,
          number * PAGE_BYTES + read,
        );
        if (n === 0) break;
        read += n;
      }
    } catch (error) {
      throw temporaryFolderError(this.tempDir, error);
    }
    this.cache.set(number, buffer);
    return buffer;
  }
}

function varintLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : 3;
}

function writeVarint(page: Buffer, offset: number, value: number): number {
  while (value >= 0x80) {
    page[offset++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  page[offset++] = value;
  return offset;
}

const varint = { value: 0, next: 0 };

function readVarint(page: Buffer, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = page[offset++]!;
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  varint.value = value;
  varint.next = offset;
  return varint;
}
