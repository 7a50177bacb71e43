/**
 * Every file this app writes goes through here (job.json, summary.json, failed-rows.csv, an
 * issues CSV, presets, settings, a copy saved where the person chose):
 *
 * - the text goes to a temporary file beside the target, `.<name>.<pid>.<random>.tmp`, created
 *   exclusively (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600): a file or symlink planted at that
 *   name makes the open fail (another random name is tried), it is never followed or truncated;
 * - the file is flushed (fsync), then renamed over the target. A rename replaces a symlink at the
 *   target itself, never the file it points to, and a crash or a full disk leaves the previous
 *   file whole: never half a file under the target's name;
 * - a target that is not a plain file (a device such as /dev/full or /dev/stdout, a FIFO, a
 *   folder, or a link to one of these) is refused with `OutputTargetError`: renaming over it
 *   would replace the device or the pipe with a file;
 * - on failure the temporary file is removed; one left by a killed process is removed by
 *   `removeStrayTemporaryFiles` (the pid in its name is no longer running).
 *
 * Append-only files (a job's journal and log) are opened with `APPEND_FLAGS`, which refuse a
 * symlink in their place.
 */
import { randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** O_NOFOLLOW where the system has it (not on Windows, where links need rights to create). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** Creating a temporary file: only a new file, never through a symlink. */
const EXCLUSIVE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;

/** Appending to a journal or a log: created if missing, never through a symlink. */
export const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NO_FOLLOW;

/** Text is handed to the file in pieces of about this size. */
const WRITE_CHUNK_BYTES = 64 * 1024;

/** `.<name>.<pid>.<8 random hex>.tmp`, and the older `.<name>.<pid>.tmp` / `<name>.<pid>.partial`. */
const TEMPORARY_NAME = /^\.?.+?\.(\d+)(?:\.[0-9a-f]{16})?\.(?:tmp|partial)$/;

export interface OutputFileOptions {
  /** Permissions of the new file (default 0o600: only the user can read it). */
  mode?: number;
  /** Create the target's folder when missing (default true). */
  createFolder?: boolean;
}

/** The target of a write is something that must not be replaced by a file. */
export class OutputTargetError extends Error {
  readonly code = 'output_not_a_file';
  constructor(
    readonly target: string,
    readonly what: string,
  ) {
    super(`${target} is ${what}, not a plain file: choose a file name in a folder.`);
  }
}

/** What sits at `target` when it is neither missing, a plain file, nor a link to one. */
async function notAPlainFile(target: string): Promise<string | null> {
  let info;
  try {
    info = await lstat(target);
  } catch {
    return null; // nothing there yet (or a folder we cannot look into: the open will say)
  }
  if (info.isSymbolicLink()) {
    try {
      info = await stat(target);
    } catch {
      return null; // a dangling link: replaced, never followed
    }
  }
  if (info.isFile()) return null;
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a file';
}

/** A temporary file beside `target`, created exclusively; its name is new each time. */
async function createTemporaryBeside(
  target: string,
  mode: number,
): Promise<{ path: string; handle: FileHandle }> {
  const folder = dirname(target);
  for (let attempt = 0; ; attempt += 1) {
    const path = join(
      folder,
      `.${basename(target)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`,
    );
    try {
      return { path, handle: await open(path, EXCLUSIVE_FLAGS, mode) };
    } catch (error) {
      // Something sits at that name (planted, or an astronomically unlikely clash): another name.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw error;
    }
  }
}

/**
 * A file written in pieces (a report of a million rows) that appears under its name only when
 * complete: `write()` as often as needed, then `commit()`, or `discard()` on failure.
 */
export class OutputFileWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private done = false;

  private constructor(
    readonly target: string,
    readonly temporaryPath: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(target: string, options: OutputFileOptions = {}): Promise<OutputFileWriter> {
    if (options.createFolder !== false) await mkdir(dirname(target), { recursive: true });
    const what = await notAPlainFile(target);
    if (what) throw new OutputTargetError(target, what);
    const { path, handle } = await createTemporaryBeside(target, options.mode ?? 0o600);
    return new OutputFileWriter(target, path, handle);
  }

  /** Adds text (UTF-8) or bytes; resolves once handed to the system when enough has gathered. */
  async write(data: string | Uint8Array): Promise<void> {
    if (this.done) throw new Error(`The file ${this.target} is already closed.`);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= WRITE_CHUNK_BYTES) await this.flush();
  }

  /** Writes what is gathered, flushes the file to disk and renames it over the target. */
  async commit(): Promise<void> {
    try {
      await this.flush();
      await this.handle.sync();
      this.done = true;
      await this.handle.close();
      await rename(this.temporaryPath, this.target);
    } catch (error) {
      await this.discard();
      throw error;
    }
    await syncFolder(dirname(this.target));
  }

  /** Drops the temporary file: the target stays as it was. */
  async discard(): Promise<void> {
    this.pending = [];
    if (!this.done) {
      this.done = true;
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.temporaryPath, { force: true }).catch(() => undefined);
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
  }
}

/** Writes `data` to `target` atomically (see the top of this file). */
export async function writeFileAtomic(
  target: string,
  data: string,
  options: OutputFileOptions = {},
): Promise<void> {
  const writer = await OutputFileWriter.open(target, options);
  try {
    await writer.write(data);
  } catch (error) {
    await writer.discard();
    throw error;
  }
  await writer.commit();
}

/** Copies `from` to `to` the same way (a report saved where the person chose). */
export async function copyFileAtomic(
  from: string,
  to: string,
  options: OutputFileOptions = {},
): Promise<void> {
  const writer = await OutputFileWriter.open(to, { createFolder: false, ...options });
  try {
    for await (const chunk of createReadStream(from)) await writer.write(chunk as Buffer);
  } catch (error) {
    await writer.discard();
    throw error;
  }
  await writer.commit();
}

/**
 * Removes the temporary files a killed process left in `folder` (the pid in their name no longer
 * runs), and this process's own: call it only when this process writes nothing there at the
 * moment. Returns the names removed.
 */
export async function removeStrayTemporaryFiles(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMPORARY_NAME.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && isRunning(pid)) continue;
    try {
      await rm(join(folder, name), { force: true });
      removed.push(name);
    } catch {
      // A file that cannot be removed now is tried again next time.
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes the folder entry after a rename (POSIX); a no-op where folders cannot be opened. */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse fsync on a folder; the rename itself already happened.
  }
}
