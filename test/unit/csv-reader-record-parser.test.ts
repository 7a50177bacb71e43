import { describe, expect, it } from 'vitest';
import {
  RecordParser,
  TEXT_AFTER_CLOSING_QUOTE,
} from '../../src/main/engine/csv-reader/record-parser';

const parse = (text: string, eof = true, delimiter = ',') => {
  const r = new RecordParser(delimiter).parse(text, eof);
  return {
    fields: r.fields.map((f) => [...f]),
    starts: [...r.starts],
    consumed: r.consumed,
    open: r.openQuoteColumn,
    flags: [...r.flags],
  };
};

describe('CSV record parser', () => {
  it('splits fields and records, with quoted separators, doubled quotes and line breaks', () => {
    const text = 'a,"b,c","say ""hi"""\r\n"x\ny",,z\n';
    expect(parse(text)).toMatchObject({
      fields: [
        ['a', 'b,c', 'say "hi"'],
        ['x\ny', '', 'z'],
      ],
      starts: [0, text.indexOf('"x')],
      consumed: text.length,
    });
  });

  it('ends records at CRLF, LF and CR alike', () => {
    expect(parse('a\r\nb\nc\rd').fields).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('gives a blank line as one empty field (the reader skips it but counts the row)', () => {
    expect(parse('a\n\nb\n').fields).toEqual([['a'], [''], ['b']]);
  });

  it('keeps a trailing empty field at the end of the file', () => {
    expect(parse('a,b,').fields).toEqual([['a', 'b', '']]);
  });

  it('leaves a record that may continue in the next chunk unconsumed', () => {
    expect(parse('a,b\nc,d', false)).toMatchObject({ fields: [['a', 'b']], consumed: 4 });
    // A CR at the end may be followed by LF in the next chunk.
    expect(parse('a,b\r', false)).toMatchObject({ fields: [], consumed: 0 });
    // A quote at the end may be the first half of "".
    expect(parse('"a"', false)).toMatchObject({ fields: [], consumed: 0 });
    expect(parse('x\n"a\nb', false)).toMatchObject({ fields: [['x']], consumed: 2, open: 0 });
  });

  it('says which column holds a quote still open at the end of the file', () => {
    expect(parse('a,b\nc,"d\ne')).toMatchObject({ fields: [['a', 'b']], consumed: 4, open: 1 });
  });

  it('keeps text after a closing quote and flags the record', () => {
    const r = new RecordParser(',').parse('"Jane" Doe,x\n', true);
    expect(r.fields).toEqual([['Jane Doe', 'x']]);
    expect(r.flags[0]! & TEXT_AFTER_CLOSING_QUOTE).toBeTruthy();
    expect(r.flaggedColumns.get(0)).toEqual([0]);
  });

  it('treats a quote inside an unquoted field as an ordinary character', () => {
    expect(parse('5\'10",ok\n').fields).toEqual([['5\'10"', 'ok']]);
  });

  it('uses the chosen separator only', () => {
    expect(parse('a;b,c\t|d\n', true, ';').fields).toEqual([['a', 'b,c\t|d']]);
    expect(parse('a\tb\n', true, '\t').fields).toEqual([['a', 'b']]);
  });

  it('gives the same records whatever way the text is cut into chunks', () => {
    const text = 'e,n\r\n"a,1","x\r\ny"\r\n\r\nb,"q ""r"""\rc,d\n';
    const whole = parse(text).fields;
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new RecordParser(',');
      const first = parser.parse(text.slice(0, cut), false);
      const got = first.fields.map((f) => [...f]);
      const rest = text.slice(first.consumed);
      got.push(...parser.parse(rest, true).fields.map((f) => [...f]));
      expect(got, `cut at ${cut}`).toEqual(whole);
    }
  });
});
