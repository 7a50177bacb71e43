/**
 * Inspecting a chosen file: detection with the user's overrides, the first rows, the columns with
 * sample values, and the first rows exactly as they will be sent. Reads only the start of the
 * file, so it is quick whatever the file's size (the full-file check runs in the worker).
 */
import type {
  ColumnProfile,
  CsvFormatOverrides,
  FileInspection,
  FileRef,
  PreviewRows,
} from '../../shared/ipc-contract';
import type { ImportMapping } from '../../shared/column-mapping';
import type { RowIssue } from '../../shared/row-issue';
import { compileContactMapper } from '../../shared/contact-rules';
import { previewCsv, type DetectOptions } from '../engine/csv-reader';
import { toIpcFailure } from './engine-errors';

export const DEFAULT_PREVIEW_ROWS = 50;
const SAMPLES_PER_COLUMN = 3;

export async function readPreview(
  path: string,
  overrides: CsvFormatOverrides | undefined,
  limit: number,
  options: DetectOptions = {},
): Promise<Awaited<ReturnType<typeof previewCsv>>> {
  try {
    return await previewCsv(path, overrides ?? {}, limit, options);
  } catch (error) {
    throw toIpcFailure(error);
  }
}

export async function inspectFile(
  file: FileRef,
  path: string,
  overrides: CsvFormatOverrides | undefined,
  limit = DEFAULT_PREVIEW_ROWS,
  options: DetectOptions = {},
): Promise<FileInspection> {
  const { detection, records } = await readPreview(path, overrides, limit, options);
  const issues: RowIssue[] = records.flatMap((r) => r.issues);
  return {
    file,
    detected: detection.detected,
    format: detection.format,
    columns: detection.headers,
    records: records.map((r) => ({ row: r.row, cells: r.fields })),
    issues,
    notice: detection.notes.length > 0 ? detection.notes.join(' ') : null,
    sheets: detection.sheets ?? [],
  };
}

/** Each column with a few non-empty values from the first rows. */
export function columnProfiles(
  headers: readonly string[],
  rows: readonly string[][],
): ColumnProfile[] {
  return headers.map((name, index) => {
    const samples: string[] = [];
    for (const row of rows) {
      const value = row[index]?.trim() ?? '';
      if (value !== '' && !samples.includes(value)) samples.push(value.slice(0, 200));
      if (samples.length >= SAMPLES_PER_COLUMN) break;
    }
    return { index, name, samples };
  });
}

/** The first rows mapped exactly as the import will map them, with every issue. */
export async function previewMappedRows(
  path: string,
  overrides: CsvFormatOverrides | undefined,
  mapping: ImportMapping,
  limit = DEFAULT_PREVIEW_ROWS,
  options: DetectOptions = {},
): Promise<PreviewRows> {
  const { detection, records } = await readPreview(path, overrides, limit, options);
  const mapper = compileContactMapper(mapping, detection.headers);
  return {
    columns: detection.headers,
    rows: records.map((record) => {
      const readerError = record.issues.some((issue) => issue.severity === 'error');
      const mapped = mapper.mapRow(record.fields, record.row);
      return {
        row: record.row,
        cells: record.fields,
        contact: readerError ? null : mapped.contact,
        issues: [...record.issues, ...mapped.issues],
      };
    }),
  };
}
