/**
 * The files the person gave the app, by an opaque id issued here: chosen in the native dialog,
 * given by the desktop (command line, "Open with", the dock), or dropped on the window. The
 * renderer only ever holds these ids. A dropped path is recorded only with the proof that the
 * page holds that very file (its size and edge bytes, see dropped-file-proof.ts): a path alone,
 * such as /etc/shadow from a compromised renderer, is refused.
 */
import { Buffer } from 'node:buffer';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { dropProofRanges, type ByteRange } from '../../shared/dropped-file-proof';
import type { DroppedFileInput, FileRef } from '../../shared/ipc-contract';
import { IpcFailure } from '../ipc/ipc-failure';
import { openCsvFile, statRegularFile } from '../engine/csv-reader';
import { toIpcFailure } from './engine-errors';

export interface RegisteredFile {
  ref: FileRef;
  path: string;
}

export class FileRegistry {
  private readonly files = new Map<string, RegisteredFile>();

  /** Records a file after checking it is a readable regular file. Same path -> same id. */
  async register(path: string): Promise<FileRef> {
    const absolute = resolve(path);
    let info;
    try {
      // Opened and checked as the reader will: a folder, a named pipe, a device or a loop of
      // links is refused at once with a message that names what it is.
      info = await statRegularFile(absolute);
    } catch (error) {
      throw toIpcFailure(error);
    }
    const existing = [...this.files.values()].find((f) => f.path === absolute);
    const fileId = existing?.ref.fileId ?? randomUUID();
    const ref: FileRef = {
      fileId,
      name: basename(absolute),
      displayPath: absolute,
      sizeBytes: info.size,
      modifiedAt: info.mtime.toISOString(),
    };
    this.files.delete(fileId);
    this.files.set(fileId, { ref, path: absolute });
    return ref;
  }

  /**
   * Records a file dropped on the window, when the file at `path` is the one the page read: the
   * same size and the same first and last bytes. Anything else is refused, and nothing is read
   * from the file but those bytes.
   */
  async registerDropped(drop: DroppedFileInput): Promise<FileRef> {
    const absolute = resolve(drop.path);
    if (drop.size === 0) {
      throw new IpcFailure(
        'file_unreadable',
        `${basename(absolute)} is empty. Choose a CSV file with a header row and at least one contact.`,
      );
    }
    let handle: FileHandle;
    try {
      handle = await openCsvFile(absolute);
    } catch (error) {
      throw toIpcFailure(error);
    }
    let proved: boolean;
    try {
      proved = await holdsDroppedBytes(handle, drop);
    } catch (error) {
      throw toIpcFailure(error);
    } finally {
      await handle.close().catch(() => undefined);
    }
    if (!proved) {
      throw new IpcFailure(
        'file_unreadable',
        `${basename(absolute)} is not the file dropped on the window (or it changed since), so the app does not open it. Drop the file again, or use Choose a file.`,
      );
    }
    return this.register(absolute);
  }

  /** The file behind an id, or a plain `not_found`. */
  get(fileId: string): RegisteredFile {
    const file = this.files.get(fileId);
    if (!file) {
      throw new IpcFailure(
        'not_found',
        'The app no longer knows this file (it was restarted). Choose the file again.',
      );
    }
    return file;
  }

  /** Newest first. */
  list(): FileRef[] {
    return [...this.files.values()].map((f) => f.ref).reverse();
  }
}

/** True when the open file has the dropped File's size and edge bytes. */
async function holdsDroppedBytes(handle: FileHandle, drop: DroppedFileInput): Promise<boolean> {
  const { size } = await handle.stat();
  // An empty file proves nothing (and /proc files show size 0 whatever they hold).
  if (size === 0 || size !== drop.size) return false;
  const ranges = dropProofRanges(size);
  return (
    (await rangeMatches(handle, ranges.head, drop.head)) &&
    (await rangeMatches(handle, ranges.tail, drop.tail))
  );
}

async function rangeMatches(
  handle: FileHandle,
  range: ByteRange,
  base64: string,
): Promise<boolean> {
  const claimed = Buffer.from(base64, 'base64');
  const length = range.end - range.start;
  if (claimed.length !== length) return false;
  const actual = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(actual, filled, length - filled, range.start + filled);
    if (bytesRead === 0) return false;
    filled += bytesRead;
  }
  return timingSafeEqual(actual, claimed);
}
