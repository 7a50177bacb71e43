/**
 * Files the user chose (dialog) or dropped, by an opaque id issued here. The renderer only ever
 * holds these ids; a path never comes back from it to be read.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { FileRef } from '../../shared/ipc-contract';
import { IpcFailure } from '../ipc/ipc-failure';

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
      info = await stat(absolute);
    } catch {
      throw new IpcFailure(
        'file_unreadable',
        `The file ${basename(absolute)} cannot be opened (it may have been moved or deleted). Choose it again.`,
      );
    }
    if (!info.isFile()) {
      throw new IpcFailure(
        'file_unreadable',
        `${basename(absolute)} is a folder, not a file. Choose a CSV file.`,
      );
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
