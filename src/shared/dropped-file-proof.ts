/**
 * Proof that a dropped file is one the person dropped: with its path, the bridge sends the first
 * and the last bytes of the DOM File it was given (at most DROP_PROOF_EDGE_BYTES each), and main
 * accepts the path only when the file there holds exactly those bytes. The page can read a File
 * only when the person dropped it (or picked it); Chromium refuses any other file to it, even to a
 * compromised renderer. So a renderer asking for /etc/shadow would have to know its contents
 * already: it can only open what it could already read.
 *
 * Plain functions with no dependency (the sandboxed preload bundles this file).
 */

/** Bytes proved at each end of the file (the whole file when it is at most twice this). */
export const DROP_PROOF_EDGE_BYTES = 64 * 1024;

/** Base64 length of DROP_PROOF_EDGE_BYTES bytes (the contract's limit on each proof). */
export const DROP_PROOF_MAX_BASE64 = Math.ceil(DROP_PROOF_EDGE_BYTES / 3) * 4;

export interface ByteRange {
  start: number;
  end: number;
}

/** The head and tail ranges proved for a file of `size` bytes (the tail is empty for small files). */
export function dropProofRanges(size: number): { head: ByteRange; tail: ByteRange } {
  const headEnd = Math.min(size, DROP_PROOF_EDGE_BYTES);
  const tailStart = Math.max(headEnd, size - DROP_PROOF_EDGE_BYTES);
  return { head: { start: 0, end: headEnd }, tail: { start: tailStart, end: size } };
}

/** Base64 of bytes, without Buffer (the bridge runs in the page and in the preload). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 4096;
  for (let i = 0; i < bytes.length; i += step) {
    const piece = bytes.subarray(i, Math.min(bytes.length, i + step));
    let text = '';
    for (let k = 0; k < piece.length; k++) text += String.fromCharCode(piece[k]!);
    binary += text;
  }
  return btoa(binary);
}
