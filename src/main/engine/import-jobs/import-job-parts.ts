/**
 * What the job runner needs from the rest of the engine, as narrow interfaces: a source of rows
 * (the CSV reader), a mapper (record to contact) and a sender (contact to Crisp). The real ones
 * are bound in engine-parts.ts; tests of the run loop may pass their own.
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import type { ContactWritePlan } from '../contact-sending';
import type { RowIssue } from '../../../shared/row-issue';
import type { ImportJobRecord, ResumePoint } from './job-record';

/** One record of the file: its row number, the byte offset where it starts, its cells. */
export interface SourceRecord {
  row: number;
  offset: number;
  fields: string[];
  /** Problems the reader found in the record itself (too many fields, invalid bytes...). */
  issues: RowIssue[];
}

export interface JobRowSource {
  /** Records from `start` (a row's first byte and its row number) to the end of the file. */
  read(start: ResumePoint, signal: AbortSignal): AsyncIterable<SourceRecord[]>;
}

export interface MappedRow {
  /** Null when the row cannot be imported (its error issues say why). */
  contact: ContactProfile | null;
  issues: RowIssue[];
}

export interface JobRowMapper {
  mapRow(fields: string[], row: number): MappedRow;
}

/** The final outcome of sending one contact. `requests` is what it cost against the quota. */
export type SendOutcome =
  | { kind: 'created' | 'updated'; peopleId: string | null; requests: number }
  | { kind: 'failed'; reason: string; retryable: boolean; requests: number };

/** Whether the sender can send now, and if not, why and until when. */
export type SenderCondition =
  | { state: 'sending' }
  | { state: 'waiting_for_quota'; resumesAt: Date | null; message: string }
  | {
      state: 'waiting_for_connection';
      message: string;
      /**
       * 'network_unreachable': Crisp cannot be reached (no network); sending continues by itself.
       * 'crisp_unavailable': Crisp answers only server errors (an outage); sending continues by
       * itself when it is back.
       * 'connection_refused': Crisp refuses the token or website until the user fixes it.
       */
      problem?: WaitingForConnectionProblem;
    };

export type WaitingForConnectionProblem =
  'network_unreachable' | 'crisp_unavailable' | 'connection_refused';

export interface QuotaView {
  /** Requests left today for this import; null when unknown. */
  left: number | null;
  requestsPerDay: number | null;
  /** When the daily quota starts again (ISO 8601); null when unknown. */
  resetsAt: string | null;
}

export interface JobContactSender {
  /**
   * Sends one contact. Never rejects for a problem of the row (that is a `failed` outcome); it
   * may reject when `signal` aborts. While the quota is spent or the connection refused, it
   * waits instead of failing rows, and says so through `onCondition`.
   */
  send(contact: ContactProfile, signal: AbortSignal, plan?: ContactWritePlan): Promise<SendOutcome>;
  condition(): SenderCondition;
  onCondition(listener: (condition: SenderCondition) => void): () => void;
  quota(): QuotaView;
  /**
   * How many contacts the import still expects to send to emails Crisp may or may not hold
   * (for the read plan: listing a small website, or searching); optional.
   */
  expectContacts?(estimate: () => number | null): void;
  /** Plain lines about how the sender reads Crisp (a bulk read it stopped trusting); optional. */
  onNote?(listener: (text: string) => void): void;
  /** Stops: sends still waiting end soon (rejecting or failing); no new one starts. */
  close(): Promise<void>;
}

/** Builds the parts for one job (its file, mapping and website). */
export interface ImportJobParts {
  /** Called when a run starts, before anything else: a chance to warm up (optional). */
  prepare?(job: ImportJobRecord): void;
  openSource(job: ImportJobRecord): JobRowSource;
  compileMapper(job: ImportJobRecord): JobRowMapper;
  createSender(job: ImportJobRecord): Promise<JobContactSender>;
}
