import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  guessDelimiter,
  guessEncoding,
  looksLikeHeader,
  utf16WithoutBom,
} from '../../src/main/engine/csv-reader/format-sniffing';

describe('separator guess', () => {
  it('picks ; for a European file with decimal commas, even when the header has no commas', () => {
    const rows = ['Nom;Prix;Remise'];
    for (let i = 0; i < 30; i++) rows.push(`Article ${i};${i},50;0,${i % 10}`);
    expect(guessDelimiter(rows.join('\n'), true)).toEqual({ delimiter: ';', columns: 3 });
  });

  it('ignores separators inside quoted values', () => {
    const text = 'email,notes\na@x.com,"a;b;c;d"\nb@x.com,"e;f;g;h"\n';
    expect(guessDelimiter(text, true)?.delimiter).toBe(',');
  });

  it('finds no separator in a single-column file', () => {
    expect(guessDelimiter('email\na@x.com\nb@x.com\n', true)).toBeNull();
  });
});

describe('header guess', () => {
  it('takes labels in any language for a header', () => {
    expect(looksLikeHeader(['E-mail', 'Prénom', 'Nachname', 'Teléfono', 'data.plan'])).toBe(true);
  });

  it.each([
    [['jane@example.com', 'Jane']],
    [['Jane', '42']],
    [['Jane', '2024-01-31']],
    [['Jane', 'https://example.com']],
    [['', '']],
  ])('takes %j for data', (row) => {
    expect(looksLikeHeader(row)).toBe(false);
  });
});

describe('encoding guess', () => {
  it('says UTF-8 for ASCII and valid UTF-8, even cut inside a character', () => {
    expect(guessEncoding(Buffer.from('email\n', 'utf8'), true)).toBe('utf-8');
    const text = Buffer.from('name\nJosé €', 'utf8');
    expect(guessEncoding(text.subarray(0, text.length - 1), false)).toBe('utf-8');
  });

  it('says Windows-1252 for single-byte Western text, Mac OS Roman when bytes undefined in 1252 appear', () => {
    expect(guessEncoding(Buffer.from([0x4a, 0x6f, 0x73, 0xe9, 0x20, 0x80]), true)).toBe(
      'windows-1252',
    );
    expect(guessEncoding(Buffer.from([0x43, 0x72, 0x8f, 0x6d, 0x65]), true)).toBe('macintosh');
  });

  it('recognizes UTF-16 without a byte order mark', () => {
    expect(utf16WithoutBom(Buffer.from('email,name\n', 'utf16le'))).toBe('utf-16le');
    expect(utf16WithoutBom(Buffer.from('email,name\n', 'utf16le').swap16())).toBe('utf-16be');
    expect(utf16WithoutBom(Buffer.from('email,name\n', 'utf8'))).toBeNull();
  });
});
