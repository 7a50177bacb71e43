import type { CsvEncoding } from '../../../shared/csv-format';

const LABELS: Record<CsvEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 (little endian)',
  'utf-16be': 'UTF-16 (big endian)',
  'windows-1252': 'Windows-1252 (Western European)',
  'iso-8859-1': 'ISO-8859-1 (Latin-1)',
  'iso-8859-15': 'ISO-8859-15 (Latin-9)',
  macintosh: 'Mac OS Roman',
};

/** The name people know an encoding by. */
export function encodingLabel(encoding: CsvEncoding): string {
  return LABELS[encoding];
}
