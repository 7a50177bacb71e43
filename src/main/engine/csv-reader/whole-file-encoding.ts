/**
 * The encoding detected from the start of a file, checked against every byte of it. Detection
 * reads 64 KiB; a Windows-1252 export whose first accented letter comes later (96 KiB of ASCII,
 * then "Hélène") looks like UTF-8 there. This check reads the whole file, at about the speed of
 * the disk (native UTF-8 and ASCII checks; only chunks with bytes that are not UTF-8 are looked at
 * byte by byte), and says whether it is UTF-8 after all, can only be a single-byte encoding (no
 * UTF-8 letter anywhere, so every row before the first such byte is plain ASCII and reads the
 * same either way: switching changes no row already read), or mixes both (then nothing is
 * switched and the rows with bytes that are not UTF-8 are refused on their row, never changed).
 */
import { Buffer, isAscii, isUtf8 } from 'node:buffer';
import type { CsvEncoding, CsvFormat } from '../../../shared/csv-format';
import { completeUtf8Length, utf8SequenceLength } from './chunk-decoder';
import type { CsvDetection } from './csv-detection';
import { unreadableFileError } from './csv-file-error';
import { detectCsvFormat, type DetectOptions } from './detect-csv-format';
import { encodingLabel } from './encoding-labels';
import { openCsvFile } from './read-csv';

const CHUNK_BYTES = 1024 * 1024;
/** A UTF-8 lead byte followed by a continuation byte: text without it holds no UTF-8 letter. */
const UTF8_PAIR = /[\xc2-\xf4][\x80-\xbf]/;
const UNDEFINED_1252 = /[\x81\x8d\x8f\x90\x9d]/;

export interface WholeFileEncodingCheck {
  /**
   * `utf-8`: every byte is UTF-8. `switch`: no byte sequence is a UTF-8 letter and some bytes are
   * not UTF-8: the file is in `encoding`, a single-byte encoding. `mixed`: UTF-8 letters and bytes
   * that are not UTF-8 both appear; the file stays UTF-8 and those rows are refused.
   */
  verdict: 'utf-8' | 'switch' | 'mixed';
  /** The encoding to read the file with. */
  encoding: CsvEncoding;
  /** Byte offset of the first byte that is not UTF-8; null when there is none. */
  firstInvalidOffset: number | null;
}

/** True when the detection's UTF-8 rests on the sample only, so later bytes may disprove it. */
export function needsWholeFileEncodingCheck(detection: CsvDetection): boolean {
  return detection.encodingBasis === 'sample' && detection.format.encoding === 'utf-8';
}

/** Reads the whole file and says which encoding reads it (see the top of this file). */
export async function checkWholeFileEncoding(
  path: string,
  detection: CsvDetection,
  signal?: AbortSignal,
): Promise<WholeFileEncodingCheck> {
  const handle = await openCsvFile(path);
  let position = detection.bomLength ?? 0;
  let utf8Letters = false;
  let firstInvalidOffset: number | null = null;
  let undefinedIn1252 = false;
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES + 4);
    let carried = 0;
    for (;;) {
      signal?.throwIfAborted();
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, carried, CHUNK_BYTES, position));
      } catch (error) {
        throw unreadableFileError(path, error);
      }
      const eof = bytesRead === 0;
      const filled = carried + bytesRead;
      const end = eof ? filled : completeUtf8Length(buffer.subarray(0, filled));
      const piece = buffer.subarray(0, end);
      const pieceOffset = position - carried;
      if (!isAscii(piece)) {
        if (isUtf8(piece)) utf8Letters = true;
        else {
          const found = examine(piece);
          utf8Letters ||= found.utf8Letters;
          undefinedIn1252 ||= found.undefinedIn1252;
          firstInvalidOffset ??= pieceOffset + found.firstInvalid;
        }
        if (utf8Letters && firstInvalidOffset !== null) break; // mixed: no need to read on
      }
      if (eof) break;
      buffer.copy(buffer, 0, end, filled);
      carried = filled - end;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  if (firstInvalidOffset === null)
    return { verdict: 'utf-8', encoding: 'utf-8', firstInvalidOffset };
  if (utf8Letters) return { verdict: 'mixed', encoding: 'utf-8', firstInvalidOffset };
  return {
    verdict: 'switch',
    // Windows-1252 is what Excel writes on Western systems; bytes it leaves undefined are letters
    // in Mac OS Roman.
    encoding: undefinedIn1252 ? 'macintosh' : 'windows-1252',
    firstInvalidOffset,
  };
}

/** A piece that is not valid UTF-8: its UTF-8 letters, first invalid byte, undefined 1252 bytes. */
function examine(piece: Buffer): {
  utf8Letters: boolean;
  firstInvalid: number;
  undefinedIn1252: boolean;
} {
  const text = piece.toString('latin1');
  const undefinedIn1252 = UNDEFINED_1252.test(text);
  let firstInvalid = -1;
  if (!UTF8_PAIR.test(text)) {
    // No UTF-8 letter can be in it: its first byte above 0x7F is the first invalid one.
    firstInvalid = text.search(/[\x80-\xff]/);
    return { utf8Letters: false, firstInvalid, undefinedIn1252 };
  }
  let utf8Letters = false;
  for (let i = 0; i < piece.length;) {
    if (piece[i]! < 0x80) {
      i++;
      continue;
    }
    const length = utf8SequenceLength(piece, i);
    if (length > 1) {
      utf8Letters = true;
      i += length;
    } else {
      if (firstInvalid === -1) firstInvalid = i;
      i++;
    }
    if (utf8Letters && firstInvalid !== -1) break;
  }
  return { utf8Letters, firstInvalid, undefinedIn1252 };
}

/** The sentence that says why the encoding was switched. `where`: "from row 2,345 on". */
export function encodingSwitchNote(encoding: CsvEncoding, where: string): string {
  const name = encodingLabel(encoding);
  return `Encoding: ${name}, found by reading the whole file. Its start reads as UTF-8, but ${where} it holds bytes that are not UTF-8 (letters such as “é” written as one byte, as older Excel exports do), and ${name.replace(/ \(.*\)$/, '')} reads every byte of it, so the whole file is read that way. Check accented letters in the preview; choose another encoding if they look wrong.`;
}

export function mixedEncodingNote(where: string): string {
  return `Encoding: UTF-8, but ${where} some rows hold bytes that are not UTF-8 while others hold UTF-8 letters, so no single encoding reads the whole file. Those rows are not imported (each is named with its row); fix them in the file, or choose the encoding to read it with.`;
}

/**
 * Detection, with its UTF-8 guess checked against the whole file when it rests on the sample
 * only: a file that can only be a single-byte encoding is detected again in it (the note says
 * so). For an import about to begin, so that the job records the encoding that reads every row.
 */
export async function detectCsvFormatWholeFile(
  path: string,
  overrides: Partial<CsvFormat> = {},
  options: DetectOptions = {},
): Promise<{ detection: CsvDetection; check: WholeFileEncodingCheck | null }> {
  const detection = await detectCsvFormat(path, overrides, options);
  if (!needsWholeFileEncodingCheck(detection)) return { detection, check: null };
  const check = await checkWholeFileEncoding(path, detection);
  if (check.verdict === 'utf-8') {
    return { detection: { ...detection, encodingBasis: 'whole-file' }, check };
  }
  const where = 'further into the file';
  if (check.verdict === 'mixed') {
    return {
      detection: { ...detection, notes: [...detection.notes, mixedEncodingNote(where)] },
      check,
    };
  }
  const switched = await detectCsvFormat(path, overrides, {
    ...options,
    wholeFileEncoding: {
      encoding: check.encoding,
      note: encodingSwitchNote(check.encoding, where),
    },
  });
  return { detection: switched, check };
}
