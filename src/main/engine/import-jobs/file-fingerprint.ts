/**
 * A file's fingerprint: size, modification time and a hash of a bounded sample of its contents.
 *
 * The sample is the first MiB, the last MiB and 32 blocks of 4 KiB spread evenly in between, plus
 * the size itself, hashed with SHA-256. At most about 2.1 MiB is read whatever the file's size, so a
 * 1 GB file is fingerprinted in milliseconds, and any change to its length, its head, its tail or
 * to one of the sampled blocks changes the hash. An edit elsewhere that keeps the size is caught by
 * the modification time, which is part of the fingerprint: resume refuses when any of the three
 * differs (a file copied without its timestamps needs `--restart`, which is the safe choice).
 */
import { createHash } from 'node:crypto';
import { openCsvFile } from '../csv-reader';
import type { FileFingerprint } from './job-record';

const EDGE_BYTES = 1024 * 1024;
const MIDDLE_BLOCKS = 32;
const MIDDLE_BLOCK_BYTES = 4096;

export async function fingerprintFile(path: string): Promise<FileFingerprint> {
  // Opened as the reader opens it: a named pipe or a device is refused at once, never waited on.
  const handle = await openCsvFile(path);
  try {
    const info = await handle.stat();
    const size = info.size;
    const hash = createHash('sha256');
    hash.update(`size:${size};`);
    const readAt = async (position: number, length: number): Promise<Buffer> => {
      const len = Math.max(0, Math.min(length, size - position));
      const buffer = Buffer.allocUnsafe(len);
      let done = 0;
      while (done < len) {
        const { bytesRead } = await handle.read(buffer, done, len - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer.subarray(0, done);
    };
    const blocks: Array<[number, number]> = [];
    if (size <= 2 * EDGE_BYTES) {
      blocks.push([0, size]);
    } else {
      blocks.push([0, EDGE_BYTES]);
      const middleLength = size - 2 * EDGE_BYTES;
      for (let i = 0; i < MIDDLE_BLOCKS; i++) {
        blocks.push([
          EDGE_BYTES + Math.floor((middleLength * i) / MIDDLE_BLOCKS),
          MIDDLE_BLOCK_BYTES,
        ]);
      }
      blocks.push([size - EDGE_BYTES, EDGE_BYTES]);
    }
    // Read at once, hashed in order.
    const buffers = await Promise.all(blocks.map(([position, length]) => readAt(position, length)));
    for (const buffer of buffers) hash.update(buffer);
    return { size, mtimeMs: Math.floor(info.mtimeMs), sampleHash: `sha256:${hash.digest('hex')}` };
  } finally {
    await handle.close();
  }
}

export type FingerprintDifference = 'size' | 'content' | 'mtime';

/** What changed between the fingerprint recorded by a job and the file as it is now. */
export function compareFingerprints(
  recorded: FileFingerprint,
  current: FileFingerprint,
): FingerprintDifference[] {
  const diffs: FingerprintDifference[] = [];
  if (recorded.size !== current.size) diffs.push('size');
  if (recorded.sampleHash !== current.sampleHash) diffs.push('content');
  if (recorded.mtimeMs !== current.mtimeMs) diffs.push('mtime');
  return diffs;
}

/** One plain sentence on how the file changed. */
export function describeFingerprintChange(
  recorded: FileFingerprint,
  current: FileFingerprint,
): string {
  const diffs = compareFingerprints(recorded, current);
  const parts: string[] = [];
  if (diffs.includes('size')) {
    parts.push(`its size went from ${recorded.size} to ${current.size} bytes`);
  } else if (diffs.includes('content')) {
    parts.push('its contents are different');
  }
  if (diffs.includes('mtime')) {
    parts.push(
      `it was modified on ${new Date(current.mtimeMs).toISOString()} ` +
        `(it was ${new Date(recorded.mtimeMs).toISOString()} when the import began)`,
    );
  }
  return parts.join(', and ');
}
