/**
 * Which column of a file each mapping column reads: matched by header name (trimmed,
 * case-insensitive), so a preset still fits a file whose columns moved; by position when the
 * file has no header (empty `headers`).
 */
import type { ImportMapping } from '../column-mapping';

/** For each mapping column, the index of the file column it reads, or -1 when it is absent. */
export function resolveColumns(mapping: ImportMapping, headers: readonly string[]): number[] {
  if (headers.length === 0) return mapping.columns.map((column) => column.index);
  const positions = new Map<string, number[]>();
  headers.forEach((header, index) => {
    const name = header.trim().toLowerCase();
    const list = positions.get(name);
    if (list) list.push(index);
    else positions.set(name, [index]);
  });
  return mapping.columns.map((column) => {
    const candidates = positions.get(column.column.trim().toLowerCase());
    if (!candidates) return -1;
    // Several columns with the same header: the one at the mapped position, else the first.
    return candidates.includes(column.index) ? column.index : (candidates[0] as number);
  });
}
