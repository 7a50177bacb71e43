/**
 * The workbook's ZIP container (yauzl): the entries by name, each read as a stream. Sheet entries
 * are inflated here (zlib) so the position in the file of the compressed bytes read so far is
 * known: it is each row's `offset` (progress, never a place to seek to).
 */
import { createInflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { damagedWorkbookError } from './workbook-error';

export interface WorkbookZip {
  entry(name: string): yauzl.Entry | undefined;
  /** Inflated bytes of an entry; `onRawBytes` is told how many compressed bytes were read. */
  open(entry: yauzl.Entry, onRawBytes?: (total: number) => void): Promise<Readable>;
  close(): void;
}

export async function openWorkbookZip(path: string): Promise<WorkbookZip> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, strictFileNames: false },
      (error, file) =>
        error || !file
          ? reject(damagedWorkbookError('its ZIP container is broken', error, true))
          : resolve(file),
    );
  });
  const entries = new Map<string, yauzl.Entry>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.set(entry.fileName.replace(/^\/+/, '').toLowerCase(), entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', (error: unknown) =>
        reject(damagedWorkbookError('its list of parts is broken', error)),
      );
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw error;
  }
  return {
    entry: (name) => entries.get(name.replace(/^\/+/, '').toLowerCase()),
    async open(entry, onRawBytes) {
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        throw damagedWorkbookError(`the part ${entry.fileName} uses an unknown compression`);
      }
      // Deflated parts are inflated here, so the compressed bytes read can be counted.
      const options = entry.compressionMethod === 8 ? { decompress: false as const } : {};
      const raw = await new Promise<Readable>((resolve, reject) => {
        try {
          zip.openReadStream(entry, options, (error, stream) =>
            error || !stream
              ? reject(damagedWorkbookError(`the part ${entry.fileName} cannot be read`, error))
              : resolve(stream),
          );
        } catch (error) {
          reject(damagedWorkbookError(`the part ${entry.fileName} cannot be read`, error));
        }
      });
      let total = 0;
      if (onRawBytes) {
        raw.on('data', (chunk: Buffer) => {
          total += chunk.length;
          onRawBytes(total);
        });
      }
      if (entry.compressionMethod === 0) return raw;
      const inflate = createInflateRaw();
      raw.on('error', (error) => inflate.destroy(error));
      return raw.pipe(inflate);
    },
    close: () => zip.close(),
  };
}
