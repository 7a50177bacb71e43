/**
 * The CSV state machine, over decoded text.
 *
 * Why not papaparse (the project's CSV library)? It reports positions in decoded characters, not
 * file bytes, so a resumed import could not seek to a record; it has no limit on the length of a
 * record (a 200 MB line without a line break would be held in memory whole); and over a stream
 * it cannot tell which row held bytes invalid in the encoding. This parser is the same kind of
 * indexOf-driven scanner papaparse uses (no per-character work in JavaScript for unquoted fields),
 * fed with whole decoded chunks, and it stops cleanly at the last complete record of a chunk so
 * the reader can carry the rest over.
 *
 * Rules (RFC 4180, lenient like spreadsheets):
 * - records end at CRLF, LF or CR (outside quotes);
 * - a field that starts with `"` is quoted: it may hold the separator, line breaks and `""`
 *   (one quote); text after its closing quote is kept as is and flagged (`"abc"def` -> `abcdef`);
 * - a `"` anywhere else in a field is an ordinary character (`5'10"`).
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Flag on a record: text followed a closing quote in some field. */
export const TEXT_AFTER_CLOSING_QUOTE = 1;

export interface ParsedRecords {
  /** Fields of each complete record found, in order (blank lines included, as ['']). */
  fields: string[][];
  /** Start of each record in the text (char index). */
  starts: number[];
  /** Flags of each record (see TEXT_AFTER_CLOSING_QUOTE); 0 in the normal case. */
  flags: number[];
  /** Columns (0-based) where TEXT_AFTER_CLOSING_QUOTE happened, per flagged record. */
  flaggedColumns: Map<number, number[]>;
  /** Text consumed: everything before this index belongs to complete records. */
  consumed: number;
  /**
   * When the text ends inside a record: whether it ends inside a quoted field, and which column
   * (0-based) that field is. The record that starts at `consumed` is the one concerned.
   */
  openQuoteColumn: number;
}

export class RecordParser {
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  readonly result: ParsedRecords = {
    fields: [],
    starts: [],
    flags: [],
    flaggedColumns: new Map(),
    consumed: 0,
    openQuoteColumn: -1,
  };

  constructor(delimiter: string) {
    this.delimiter = delimiter;
    this.delimiterCode = delimiter.charCodeAt(0);
  }

  /** No record (the text holds no line break yet): the result, emptied. */
  none(): ParsedRecords {
    const out = this.result;
    out.fields.length = 0;
    out.starts.length = 0;
    out.flags.length = 0;
    out.flaggedColumns.clear();
    out.consumed = 0;
    out.openQuoteColumn = -1;
    return out;
  }

  /**
   * Parses every complete record of `text`. When `eof` is false, a record that may go on in the
   * next chunk is left unconsumed. When `eof` is true, everything is consumed unless a quoted
   * field is still open at the end (then `openQuoteColumn` >= 0).
   * The result object is reused by the next call.
   */
  parse(text: string, eof: boolean): ParsedRecords {
    const out = this.none();

    const len = text.length;
    const delimiter = this.delimiter;
    const delimiterCode = this.delimiterCode;
    // Next positions of the separator, LF and CR at or after the current position; `len` = none.
    let nextDelimiter = -1;
    let nextLf = -1;
    let nextCr = -1;
    let pos = 0;

    records: while (pos < len) {
      const recordStart = pos;
      const fields: string[] = [];
      let flags = 0;

      fieldLoop: for (;;) {
        if (pos < len && text.charCodeAt(pos) === QUOTE) {
          // Quoted field.
          let value = '';
          let segmentStart = pos + 1;
          let p = segmentStart;
          for (;;) {
            const q = text.indexOf('"', p);
            if (q === -1 || (q + 1 === len && !eof)) {
              // Still open at the end of the text (or cannot tell yet whether `""` follows).
              if (q === -1) out.openQuoteColumn = fields.length;
              break records;
            }
            if (text.charCodeAt(q + 1) === QUOTE) {
              value += text.slice(segmentStart, q + 1);
              p = q + 2;
              segmentStart = p;
              continue;
            }
            value += text.slice(segmentStart, q);
            p = q + 1;
            break;
          }
          if (p >= len) {
            if (!eof) break records;
            fields.push(value);
            pos = len;
            break fieldLoop;
          }
          const c = text.charCodeAt(p);
          if (c === delimiterCode) {
            fields.push(value);
            pos = p + 1;
            continue;
          }
          if (c === LF) {
            fields.push(value);
            pos = p + 1;
            break fieldLoop;
          }
          if (c === CR) {
            if (p + 1 === len && !eof) break records;
            fields.push(value);
            pos = text.charCodeAt(p + 1) === LF ? p + 2 : p + 1;
            break fieldLoop;
          }
          // Text after the closing quote: keep it, up to the end of the field, and flag it.
          flags |= TEXT_AFTER_CLOSING_QUOTE;
          let flagged = out.flaggedColumns.get(out.fields.length);
          if (!flagged) out.flaggedColumns.set(out.fields.length, (flagged = []));
          flagged.push(fields.length);
          const end = endOfUnquoted(text, p, delimiter, eof);
          if (end === -1) break records;
          value += text.slice(p, end);
          fields.push(value);
          const e = text.charCodeAt(end);
          if (e === delimiterCode) {
            pos = end + 1;
            continue;
          }
          pos = end >= len ? len : e === CR && text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
          break fieldLoop;
        }

        // Unquoted field: up to the next separator or line break.
        if (nextDelimiter < pos) {
          nextDelimiter = text.indexOf(delimiter, pos);
          if (nextDelimiter === -1) nextDelimiter = len;
        }
        if (nextLf < pos) {
          nextLf = text.indexOf('\n', pos);
          if (nextLf === -1) nextLf = len;
        }
        if (nextCr < pos) {
          nextCr = text.indexOf('\r', pos);
          if (nextCr === -1) nextCr = len;
        }
        const lineEnd = nextLf < nextCr ? nextLf : nextCr;
        if (nextDelimiter < lineEnd) {
          fields.push(text.slice(pos, nextDelimiter));
          pos = nextDelimiter + 1;
          continue;
        }
        if (lineEnd === len) {
          if (!eof) break records;
          fields.push(text.slice(pos));
          pos = len;
          break fieldLoop;
        }
        fields.push(text.slice(pos, lineEnd));
        if (lineEnd === nextCr) {
          if (lineEnd + 1 === len && !eof) break records;
          pos = text.charCodeAt(lineEnd + 1) === LF ? lineEnd + 2 : lineEnd + 1;
        } else {
          pos = lineEnd + 1;
        }
        break fieldLoop;
      }

      out.fields.push(fields);
      out.starts.push(recordStart);
      out.flags.push(flags);
      out.consumed = pos;
    }
    return out;
  }
}

/**
 * End of an unquoted stretch starting at `from`: index of the next separator, CR or LF, or
 * `text.length` at the end of the file; -1 when the text ends first and more may follow.
 */
function endOfUnquoted(text: string, from: number, delimiter: string, eof: boolean): number {
  const len = text.length;
  let end = text.indexOf(delimiter, from);
  if (end === -1) end = len;
  const lf = text.indexOf('\n', from);
  if (lf !== -1 && lf < end) end = lf;
  const cr = text.indexOf('\r', from);
  if (cr !== -1 && cr < end) end = cr;
  if (end === len && !eof) return -1;
  if (end === len - 1 && text.charCodeAt(end) === CR && !eof) return -1;
  return end;
}
