/**
 * Header comparison: exports differ in case, spacing, a byte-order mark or stray quotes around the
 * first header, so names are compared in a normal form.
 */
export function headerKey(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .normalize('NFC')
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** `numbered('Phone', ['Label', 'Value'], 3)` -> Phone 1 - Label, Phone 1 - Value, ... Phone 3 - Value. */
export function numberedHeaders(
  prefix: string,
  suffixes: readonly string[],
  count: number,
  format: (prefix: string, n: number, suffix: string) => string = (p, n, s) => `${p} ${n} - ${s}`,
): string[] {
  const out: string[] = [];
  for (let n = 1; n <= count; n++) for (const s of suffixes) out.push(format(prefix, n, s));
  return out;
}
