/**
 * Turns the file's bytes, read in chunks, into text, keeping exact track of how text maps back
 * to bytes (so every record can carry its byte offset) and of bytes that are not valid in the
 * chosen encoding (so they are reported on their row, never silently turned into U+FFFD).
 *
 * A character split across two chunks is carried over to the next chunk, never cut in half.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import type { CsvEncoding } from '../../../shared/csv-format';

export interface DecodedText {
  text: string;
  /** Bytes of the file this text stands for (what was carried to the next chunk is excluded). */
  byteLength: number;
  /**
   * Positions in `text` of characters that stand for bytes that are invalid in the encoding
   * (each is U+FFFD and stands for exactly one byte). Sorted; empty in the normal case.
   */
  invalidAt: number[];
}

export interface ChunkDecoder {
  /**
   * Bytes per UTF-16 code unit of the text when that is fixed: 1 for single-byte encodings, 2 for
   * UTF-16. 0 for UTF-8, where the byte length of a piece of text has to be measured.
   */
  readonly unitBytes: 0 | 1 | 2;
  /** Decodes the next chunk. `bytes` may be reused by the caller after this returns. */
  decode(bytes: Buffer, eof: boolean): DecodedText;
}

const NO_INVALID: number[] = [];
const REPLACEMENT = '\uFFFD';

export function createChunkDecoder(encoding: CsvEncoding): ChunkDecoder {
  switch (encoding) {
    case 'utf-8':
      return new Utf8Decoder();
    case 'utf-16le':
      return new Utf16Decoder(false);
    case 'utf-16be':
      return new Utf16Decoder(true);
    case 'iso-8859-1':
      return new SingleByteDecoder((b) => b.toString('latin1'));
    case 'windows-1252':
      return new SingleByteDecoder(decodeWindows1252);
    case 'iso-8859-15':
    case 'macintosh':
      return new SingleByteDecoder((b) => iconv.decode(b, encoding));
  }
}

/** Byte order marks, by encoding. */
export const BYTE_ORDER_MARKS: Partial<Record<CsvEncoding, readonly number[]>> = {
  'utf-8': [0xef, 0xbb, 0xbf],
  'utf-16le': [0xff, 0xfe],
  'utf-16be': [0xfe, 0xff],
};

/** Length of the byte order mark of `encoding` at the start of `head`, or 0. */
export function bomLengthFor(encoding: CsvEncoding, head: Uint8Array): number {
  const bom = BYTE_ORDER_MARKS[encoding];
  if (!bom || head.length < bom.length) return 0;
  return bom.every((b, i) => head[i] === b) ? bom.length : 0;
}

function positionsOf(text: string, char: string): number[] {
  let at = text.indexOf(char);
  if (at === -1) return NO_INVALID;
  const found: number[] = [];
  while (at !== -1) {
    found.push(at);
    at = text.indexOf(char, at + 1);
  }
  return found;
}

class SingleByteDecoder implements ChunkDecoder {
  readonly unitBytes = 1;
  constructor(private readonly decodeBytes: (bytes: Buffer) => string) {}
  decode(bytes: Buffer): DecodedText {
    const text = this.decodeBytes(bytes);
    // None of these encodings can encode U+FFFD: any one in the text stands for an undefined byte.
    return { text, byteLength: bytes.length, invalidAt: positionsOf(text, REPLACEMENT) };
  }
}

/** Windows-1252 differs from ISO-8859-1 only in 0x80-0x9F; five of those bytes are undefined. */
const WINDOWS_1252_HIGH = '€\uFFFD‚ƒ„…†‡ˆ‰Š‹Œ\uFFFDŽ\uFFFD\uFFFD‘’“”•–—˜™š›œ\uFFFDžŸ';
const C1_RANGE = /[\x80-\x9f]/;
const C1_RANGE_GLOBAL = /[\x80-\x9f]/g;

function decodeWindows1252(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  if (!C1_RANGE.test(text)) return text;
  return text.replace(C1_RANGE_GLOBAL, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80] as string);
}

class Utf16Decoder implements ChunkDecoder {
  readonly unitBytes = 2;
  private carry: Buffer | null = null;
  constructor(private readonly bigEndian: boolean) {}

  decode(chunk: Buffer, eof: boolean): DecodedText {
    let bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    let end = bytes.length & ~1;
    // Keep a high surrogate at the end with its low half, which is in the next chunk.
    if (!eof && end >= 2) {
      const last = this.bigEndian
        ? (bytes[end - 2]! << 8) | bytes[end - 1]!
        : (bytes[end - 1]! << 8) | bytes[end - 2]!;
      if (last >= 0xd800 && last <= 0xdbff) end -= 2;
    }
    if (!eof && end < bytes.length) this.carry = Buffer.from(bytes.subarray(end));
    if (this.bigEndian) {
      // Node has no UTF-16BE decoder: swap a copy to little endian.
      bytes = Buffer.from(bytes.subarray(0, end)).swap16();
    }
    let text = bytes.toString('utf16le', 0, end);
    let invalidAt = loneSurrogates(text);
    let byteLength = end;
    if (eof && bytes.length > end) {
      // A single byte left over at the end of the file: half a character.
      if (invalidAt === NO_INVALID) invalidAt = [];
      invalidAt.push(text.length);
      text += REPLACEMENT;
      byteLength += 1;
    }
    return { text, byteLength, invalidAt };
  }
}

const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function loneSurrogates(text: string): number[] {
  if (!SURROGATE.test(text)) return NO_INVALID;
  const found: number[] = [];
  LONE_SURROGATE.lastIndex = 0;
  for (let m = LONE_SURROGATE.exec(text); m; m = LONE_SURROGATE.exec(text)) found.push(m.index);
  return found;
}

class Utf8Decoder implements ChunkDecoder {
  readonly unitBytes = 0;
  private carry: Buffer | null = null;

  decode(chunk: Buffer, eof: boolean): DecodedText {
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    const end = eof ? bytes.length : completeUtf8Length(bytes);
    if (end < bytes.length) this.carry = Buffer.from(bytes.subarray(end));
    const complete = end === bytes.length ? bytes : bytes.subarray(0, end);
    if (isUtf8(complete)) {
      return { text: complete.toString('utf8'), byteLength: end, invalidAt: NO_INVALID };
    }
    return decodeInvalidUtf8(complete);
  }
}

/**
 * Length of the prefix of `bytes` that does not end inside a multibyte sequence (the rest waits
 * for the next chunk). Malformed endings are left in: validation reports them.
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  const end = bytes.length;
  let i = end - 1;
  const stop = Math.max(0, end - 4);
  while (i >= stop && (bytes[i]! & 0xc0) === 0x80) i--;
  if (i < 0 || i < stop) return end;
  const lead = bytes[i]!;
  const need = lead >= 0xf8 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > end ? i : end;
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0 if malformed. */
export function utf8SequenceLength(b: Uint8Array, i: number): number {
  const lead = b[i]!;
  if (lead < 0x80) return 1;
  const end = b.length;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => k < end && b[k]! >= lo && b[k]! <= hi;
  if (lead >= 0xc2 && lead <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const lo = lead === 0xe0 ? 0xa0 : 0x80;
    const hi = lead === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const lo = lead === 0xf0 ? 0x90 : 0x80;
    const hi = lead === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/** Slow path, only for chunks that hold invalid UTF-8: one U+FFFD per invalid byte, positions kept. */
function decodeInvalidUtf8(bytes: Buffer): DecodedText {
  const parts: string[] = [];
  const invalidAt: number[] = [];
  let textLength = 0;
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > runStart) {
      const run = bytes.toString('utf8', runStart, i);
      parts.push(run);
      textLength += run.length;
    }
    invalidAt.push(textLength);
    parts.push(REPLACEMENT);
    textLength += 1;
    i += 1;
    runStart = i;
  }
  if (runStart < bytes.length) parts.push(bytes.toString('utf8', runStart));
  return { text: parts.join(''), byteLength: bytes.length, invalidAt };
}
