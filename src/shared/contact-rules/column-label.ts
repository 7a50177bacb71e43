/**
 * The name of a column as people see it: its header, or `Column 3` when the file has no header
 * or the header cell is empty.
 */
export function columnLabel(headers: readonly string[], index: number): string {
  const header = headers[index]?.trim();
  return header ? header : `Column ${index + 1}`;
}
