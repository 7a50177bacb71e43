/**
 * What a journal record tells the ledger about its row: which email (hash) and occurrence, and
 * the digests of the contact that was sent or found unchanged. Written in the row's journal
 * record as one short text field `l`, so the ledger can be rebuilt from journals that are
 * durable (the journal is the ledger's write-ahead log):
 *   "<email hash, 16 hex>:<occurrence>:<profile 12 hex><segments 12 hex><data 12 hex>"
 * A failed row's note may carry no digests ("<hash>:<occurrence>").
 */
import { partDigestFromText, partDigestToText, type ContactDigest } from './contact-digest';

export interface LedgerNote {
  hashHigh: number;
  hashLow: number;
  occurrence: number;
  digest: ContactDigest | null;
}

export const LEDGER_NOTE_PATTERN = /^[0-9a-f]{16}:[0-9]{1,3}(:[0-9a-f]{36})?$/;

export function ledgerNoteToText(note: LedgerNote): string {
  const hash =
    (note.hashHigh >>> 0).toString(16).padStart(8, '0') +
    (note.hashLow >>> 0).toString(16).padStart(8, '0');
  const head = `${hash}:${note.occurrence}`;
  if (!note.digest) return head;
  const { profile, segments, data } = note.digest;
  return `${head}:${partDigestToText(profile)}${partDigestToText(segments)}${partDigestToText(data)}`;
}

export function ledgerNoteFromText(text: string): LedgerNote | null {
  if (!LEDGER_NOTE_PATTERN.test(text)) return null;
  const [hash, occurrence, digests] = text.split(':') as [string, string, string | undefined];
  let digest: ContactDigest | null = null;
  if (digests) {
    const profile = partDigestFromText(digests.slice(0, 12));
    const segments = partDigestFromText(digests.slice(12, 24));
    const data = partDigestFromText(digests.slice(24, 36));
    if (!profile || !segments || !data) return null;
    digest = { profile, segments, data };
  }
  const k = Number(occurrence);
  if (k < 1 || k > 255) return null;
  return {
    hashHigh: parseInt(hash.slice(0, 8), 16) >>> 0,
    hashLow: parseInt(hash.slice(8), 16) >>> 0,
    occurrence: k,
    digest,
  };
}
