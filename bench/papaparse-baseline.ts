/**
 * The baseline the benchmarks compare against, as issue "Foundation" states it: a bare papaparse
 * parse in header mode with a `step` callback, on a UTF-8 decoded read stream of the same file.
 * One definition, so every bench measures the same thing.
 */
import { createReadStream } from 'node:fs';
import Papa from 'papaparse';

/** Parses the whole file and returns the number of data rows papaparse produced. */
export function parseWithPapaparse(path: string): Promise<number> {
  let rows = 0;
  return new Promise<number>((resolve, reject) => {
    Papa.parse(createReadStream(path, { encoding: 'utf8' }), {
      header: true,
      step: () => {
        rows++;
      },
      complete: () => resolve(rows),
      error: (error: Error) => reject(error),
    });
  });
}
