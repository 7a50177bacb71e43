/** Turns a built-in preset into the mapping for one file's headers. */
import {
  IMPORT_MAPPING_VERSION,
  type ColumnMapping,
  type ColumnTarget,
  type ImportMapping,
} from '../column-mapping';
import { headerKey } from './header-name';
import type { PresetColumn, SourcePreset } from './source-preset';

interface HeaderMatch {
  /** Position of the matching column entry in the preset. */
  entry: number;
  /** Position of the matching name among the entry's headers (0 = preferred). */
  alias: number;
  column: PresetColumn;
}

/** The preset column a header belongs to, if any. */
export function matchPresetColumn(preset: SourcePreset, header: string): HeaderMatch | undefined {
  const key = headerKey(header);
  for (let entry = 0; entry < preset.columns.length; entry++) {
    const column = preset.columns[entry]!;
    const alias = column.headers.findIndex((h) => headerKey(h) === key);
    if (alias >= 0) return { entry, alias, column };
  }
  return undefined;
}

/** A target that takes one value per contact: only one column of the file may fill it. */
function singleValueKey(target: ColumnTarget): string | undefined {
  if (target.kind === 'field')
    return target.field === 'segments' ? undefined : `field:${target.field}`;
  if (target.kind === 'data') return `data:${target.key}`;
  return undefined;
}

function toColumnMapping(header: string, index: number, column: PresetColumn): ColumnMapping {
  const mapping: ColumnMapping = { column: header, index, target: column.target };
  if (column.segmentSeparator) mapping.segmentSeparator = column.segmentSeparator;
  if (column.dateFormat) mapping.dateFormat = column.dateFormat;
  if (column.valueType) mapping.valueType = column.valueType;
  if (column.multiValueSeparator) mapping.multiValueSeparator = column.multiValueSeparator;
  if (column.dropSegments) mapping.dropSegments = [...column.dropSegments];
  return mapping;
}

/**
 * The mapping of a file with these headers under the preset. Headers the preset does not know
 * are ignored. When several headers of the file fill the same single-value target (an export
 * with both "Province" and "Province Code"), the one the preset prefers is kept and the others
 * are ignored.
 */
export function mappingFromSourcePreset(
  preset: SourcePreset,
  headers: readonly string[],
): ImportMapping {
  const matches = headers.map((header) => matchPresetColumn(preset, header));
  const winner = new Map<string, number>();
  matches.forEach((match, index) => {
    if (!match) return;
    const key = singleValueKey(match.column.target);
    if (!key) return;
    const current = winner.get(key);
    const best = current === undefined ? undefined : matches[current];
    if (
      !best ||
      match.entry < best.entry ||
      (match.entry === best.entry && match.alias < best.alias)
    ) {
      winner.set(key, index);
    }
  });
  const columns = headers.map((header, index): ColumnMapping => {
    const match = matches[index];
    if (!match) return { column: header, index, target: { kind: 'ignore' } };
    const key = singleValueKey(match.column.target);
    if (key && winner.get(key) !== index)
      return { column: header, index, target: { kind: 'ignore' } };
    return toColumnMapping(header, index, match.column);
  });
  return { version: IMPORT_MAPPING_VERSION, columns, emptyCells: 'clear', extraSegments: [] };
}

/**
 * The preset's own mapping, one column per entry under its preferred header name, for a copy
 * made without a file at hand.
 */
export function canonicalHeaders(preset: SourcePreset): string[] {
  return preset.columns.map((column) => column.headers[0]!);
}
