// Text printed to a terminal. A file's column names and cells, a file name or a server's message
// may hold control characters and escape sequences: ESC[2J clears the screen, OSC 8 disguises a
// link, OSC 52 writes the clipboard, a carriage return or a backspace rewrites what the line
// said, bidirectional overrides reorder it. They are removed before anything reaches the
// terminal, and secrets are hidden (secret-redaction.ts). JSON output needs neither (JSON
// escapes control characters), only the redaction, which the engine's texts already had.
import { redactSecrets } from '../main/engine/crisp-client/secret-redaction';

/**
 * ESC sequences: CSI (`ESC [ … final`), OSC / DCS / SOS / PM / APC strings (up to BEL or ST, or
 * the end of the text), and the two- or three-character ones (`ESC c`, `ESC ( B`); a lone ESC.
 */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /\x1b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~]?)/g;
/** The 8-bit CSI and OSC (C1 controls), with their parameters. */
// eslint-disable-next-line no-control-regex
const C1_SEQUENCE = /\x9b[0-?]*[ -/]*[@-~]?|\x9d[^\x07\x9c]*[\x07\x9c]?/g;
/** Other controls (C0 but tab and line feed, DEL, C1) and bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` safe to print: no escape sequence, no control character (a tab becomes a space); line
 * breaks stay when `lineBreaks` is 'keep' (a report of several lines), else become spaces (a
 * value: a column name, a file name, one message).
 */
export function terminalText(text: string, lineBreaks: 'keep' | 'join' = 'join'): string {
  const safe = redactSecrets(text)
    .replace(ESCAPE_SEQUENCE, '')
    .replace(C1_SEQUENCE, '')
    .replace(/\t/g, ' ');
  const lines = lineBreaks === 'keep' ? safe : safe.replace(/\s*[\r\n]+\s*/g, ' ');
  return lines.replace(CONTROL, '');
}
