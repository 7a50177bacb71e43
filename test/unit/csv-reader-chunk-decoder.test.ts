import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  bomLengthFor,
  completeUtf8Length,
  createChunkDecoder,
} from '../../src/main/engine/csv-reader/chunk-decoder';
import type { CsvEncoding } from '../../src/shared/csv-format';

function decodeInChunks(encoding: CsvEncoding, bytes: Buffer, size: number) {
  const decoder = createChunkDecoder(encoding);
  let text = '';
  let byteLength = 0;
  const invalidAt: number[] = [];
  for (let at = 0; at < bytes.length || at === 0; at += size) {
    const end = Math.min(bytes.length, at + size);
    const piece = decoder.decode(bytes.subarray(at, end), end >= bytes.length);
    invalidAt.push(...piece.invalidAt.map((p) => p + text.length));
    text += piece.text;
    byteLength += piece.byteLength;
    if (end >= bytes.length) break;
  }
  return { text, byteLength, invalidAt };
}

const SAMPLE = 'José Weiß 李王 🎉😀 Zoë – ok';

describe('chunk decoder', () => {
  it.each<[CsvEncoding, Buffer]>([
    ['utf-8', Buffer.from(SAMPLE, 'utf8')],
    ['utf-16le', Buffer.from(SAMPLE, 'utf16le')],
    ['utf-16be', Buffer.from(SAMPLE, 'utf16le').swap16()],
  ])('keeps multibyte characters split across chunks intact (%s)', (encoding, bytes) => {
    for (let size = 1; size <= 16; size++) {
      expect(decodeInChunks(encoding, bytes, size), `chunk size ${size}`).toEqual({
        text: SAMPLE,
        byteLength: bytes.length,
        invalidAt: [],
      });
    }
  });

  it('marks each invalid UTF-8 byte as one character, wherever the chunks are cut', () => {
    const bytes = Buffer.concat([
      Buffer.from('ab', 'utf8'),
      Buffer.from([0xe9]), // Latin-1 é: not UTF-8
      Buffer.from('c€', 'utf8'),
      Buffer.from([0xc0, 0xaf]), // overlong encoding of "/"
      Buffer.from([0xe2, 0x82]), // truncated € at the end of the file
    ]);
    for (let size = 1; size <= bytes.length; size++) {
      const { text, byteLength, invalidAt } = decodeInChunks('utf-8', bytes, size);
      expect(text, `chunk size ${size}`).toBe('ab\uFFFDc€\uFFFD\uFFFD\uFFFD\uFFFD');
      expect(invalidAt).toEqual([2, 5, 6, 7, 8]);
      expect(byteLength).toBe(bytes.length);
    }
  });

  it('decodes Windows-1252 punctuation and marks its five undefined bytes', () => {
    const { text, invalidAt } = decodeInChunks(
      'windows-1252',
      Buffer.from([0x80, 0x93, 0x41, 0x94, 0x81, 0xe9]),
      2,
    );
    expect(text).toBe('€“A”\uFFFDé');
    expect(invalidAt).toEqual([4]);
  });

  it('finds where the last complete UTF-8 character ends', () => {
    const euro = Buffer.from('a€', 'utf8'); // 61 e2 82 ac
    expect(completeUtf8Length(euro)).toBe(4);
    expect(completeUtf8Length(euro.subarray(0, 3))).toBe(1);
    expect(completeUtf8Length(euro.subarray(0, 2))).toBe(1);
    expect(completeUtf8Length(Buffer.from([0x80, 0x80, 0x80, 0x80]))).toBe(4);
  });

  it('recognizes byte order marks only for the matching encoding', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf, 0x61]);
    expect(bomLengthFor('utf-8', bom)).toBe(3);
    expect(bomLengthFor('windows-1252', bom)).toBe(0);
    expect(bomLengthFor('utf-16le', Buffer.from([0xff, 0xfe, 0x61, 0]))).toBe(2);
    expect(bomLengthFor('utf-16be', Buffer.from([0xff, 0xfe, 0x61, 0]))).toBe(0);
  });
});
