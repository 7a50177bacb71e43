/**
 * An append-only NDJSON file whose appends resolve once the line is on disk (write + fdatasync),
 * with group commit: lines appended while a write is under way go together in the next one.
 * Opening reads every line back (validated with a zod schema) and cuts a torn last line, which
 * a kill -9 in the middle of a write can leave, so new lines never follow garbage.
 */
import { mkdir, open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { APPEND_FLAGS } from '../app-settings/output-file';

export class DurableLines<T> {
  private waiting: Array<{ line: string; done: () => void; failed: (e: unknown) => void }> = [];
  private writing: Promise<void> | null = null;
  private closed = false;

  private constructor(private readonly handle: FileHandle) {}

  /** Opens (creating) the file and returns it with the records it already holds. */
  static async open<S extends z.ZodType>(
    path: string,
    schema: S,
  ): Promise<{ lines: DurableLines<z.input<S>>; records: Array<z.output<S>> }> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const records = await readDurableLines(path, schema, true);
    const handle = await open(path, APPEND_FLAGS, 0o600);
    return { lines: new DurableLines(handle), records };
  }

  /** Resolves once `record` is durable. */
  append(record: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The file is closed.'));
    return new Promise((done, failed) => {
      this.waiting.push({ line: `${JSON.stringify(record)}\n`, done, failed });
      if (!this.writing) this.writing = this.flush();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.writing) await this.writing;
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        await this.handle.write(batch.map((b) => b.line).join(''));
        await this.handle.datasync();
        for (const b of batch) b.done();
      } catch (error) {
        for (const b of batch) b.failed(error);
      }
    }
    this.writing = null;
  }
}

/**
 * The records of an NDJSON file, each checked with `schema` (a line that does not fit is left
 * out). `cutTornTail`: a last line without its line break is cut off the file.
 */
export async function readDurableLines<S extends z.ZodType>(
  path: string,
  schema: S,
  cutTornTail = false,
): Promise<Array<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const end = text.lastIndexOf('\n') + 1;
  if (cutTornTail && end < text.length) {
    await truncate(path, Buffer.byteLength(text.slice(0, end)));
  }
  const records: Array<z.output<S>> = [];
  for (const line of text.slice(0, end).split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = schema.safeParse(JSON.parse(line));
      if (parsed.success) records.push(parsed.data);
    } catch {
      // a line that is not JSON (cannot follow a durable one; be safe): left out
    }
  }
  return records;
}
