/**
 * Small JSON files on disk (settings, presets, job manifests): read through a zod schema, written
 * atomically (output-file.ts: a temporary file in the same folder, flushed, then renamed over the
 * target), so a crash or a full disk mid-write leaves the previous file intact, never half a file.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { writeFileAtomic } from './output-file';

export interface WriteJsonOptions {
  /** File permissions for a newly written file (default 0o600: only the user can read it). */
  mode?: number;
}

/**
 * Writes `value` as pretty-printed JSON to `path` atomically (output-file.ts: a temporary file
 * created exclusively beside it, flushed, renamed). Creates the parent folder if needed.
 * Concurrent writers never interleave: each writes its own temporary file, the last rename wins.
 */
export async function writeJsonFileAtomic(
  path: string,
  value: unknown,
  options: WriteJsonOptions = {},
): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/** Why a JSON file could not be used. */
export type JsonFileProblem =
  /** The file does not exist (usually fine: use defaults). */
  | 'missing'
  /** The file exists but could not be read (permissions, a folder in its place...). */
  | 'unreadable'
  /** The file is not valid JSON (truncated, edited by hand, another program wrote it). */
  | 'not_json'
  /** Valid JSON, but not the expected shape or version. */
  | 'invalid';

export type JsonFileResult<T> =
  { ok: true; value: T } | { ok: false; problem: JsonFileProblem; message: string };

/**
 * Reads `path` and validates it with `schema`. Never throws for a bad file: the result says what
 * is wrong in plain words (which file, which field), so the caller can fall back or explain.
 */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<JsonFileResult<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return { ok: false, problem: 'missing', message: `${path} does not exist.` };
    }
    return {
      ok: false,
      problem: 'unreadable',
      message: `${path} could not be read (${code ?? 'unknown error'}). Check that the file is readable by your user.`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return {
      ok: false,
      problem: 'not_json',
      message: `${path} is not valid JSON (it may be truncated or edited by hand).`,
    };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` at "${first.path.join('.')}"` : '';
    const what = first ? first.message : 'unexpected content';
    return {
      ok: false,
      problem: 'invalid',
      message: `${path} has unexpected content${where}: ${what}.`,
    };
  }
  return { ok: true, value: parsed.data };
}
