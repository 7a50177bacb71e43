/** Short builders for catalogue entries. */
import type { CrispFieldId } from '../../crisp-fields';
import type { PresetColumn } from '../source-preset';

type ColumnOptions = Omit<PresetColumn, 'headers' | 'target'>;

export function field(
  id: CrispFieldId,
  headers: readonly string[],
  options: ColumnOptions = {},
): PresetColumn {
  return { headers, target: { kind: 'field', field: id }, ...options };
}

export function data(
  key: string,
  headers: readonly string[],
  options: ColumnOptions = {},
): PresetColumn {
  return { headers, target: { kind: 'data', key }, ...options };
}

export function segmentIfYes(segment: string, headers: readonly string[]): PresetColumn {
  return { headers, target: { kind: 'segment_if_yes', segment } };
}
