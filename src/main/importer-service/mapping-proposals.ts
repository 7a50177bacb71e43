/**
 * Mapping proposals, off the main thread: reading the start of the file, guessing the header and
 * proposing a target for every column run in the engine worker, so a strange file (100,000
 * columns, a 1 MiB line) never stalls the main process or the window. The main side sends a
 * request and waits for its answer; a worker that stops fails the request with a plain message.
 */
import { randomUUID } from 'node:crypto';
import {
  IpcErrorCode,
  type ColumnProfile,
  type CsvFormatOverrides,
} from '../../shared/ipc-contract';
import type { DetectOptions } from '../engine/csv-reader';
import { proposeMappingForHeaders, type MappingProposal, type UserPreset } from '../engine/presets';
import { IpcFailure, isIpcFailure } from '../ipc/ipc-failure';
import { serializeError, type SerializedError, type WorkerMessage } from './engine-protocol';
import type { EngineThread } from './engine-thread';
import { toIpcFailure } from './engine-errors';
import { columnProfiles, readPreview } from './file-reading';

export interface MappingProposalRequest {
  path: string;
  overrides: CsvFormatOverrides | undefined;
  detectOptions: DetectOptions;
  userPresets: UserPreset[];
}

/** What the worker answers: the file's column names and samples, and the proposal. */
export interface ProposedMapping {
  headers: string[];
  columns: ColumnProfile[];
  proposal: MappingProposal;
}

/** Rows of the file the proposal looks at (for emails in a file without a header, samples). */
const PROPOSAL_ROWS = 50;

/** The proposal itself, as the worker computes it. */
export async function computeMappingProposal(
  request: MappingProposalRequest,
): Promise<ProposedMapping> {
  const { detection, records } = await readPreview(
    request.path,
    request.overrides,
    PROPOSAL_ROWS,
    request.detectOptions,
  );
  const rows = records.map((r) => r.fields);
  return {
    headers: detection.headers,
    columns: columnProfiles(detection.headers, rows),
    proposal: proposeMappingForHeaders(detection.headers, request.userPresets, rows),
  };
}

/** A failure from the worker, with its contract code kept when it was an IpcFailure. */
export function serializeProposalError(error: unknown): SerializedError {
  const serialized = serializeError(error);
  return isIpcFailure(error) ? { ...serialized, code: error.code } : serialized;
}

/** The main side: one pending promise per request, answered by the worker's message. */
export class MappingProposals {
  private readonly pending = new Map<
    string,
    { resolve: (value: ProposedMapping) => void; reject: (error: Error) => void }
  >();

  constructor(private readonly engine: EngineThread) {
    engine.onMessage((message) => this.onWorkerMessage(message));
    engine.onCrash(() => {
      for (const { reject } of this.pending.values()) {
        reject(
          new IpcFailure(
            'internal',
            'The part of the app that reads files stopped while reading this one. Try again; if it happens again, check the file (is it a CSV file?).',
          ),
        );
      }
      this.pending.clear();
    });
  }

  propose(request: MappingProposalRequest): Promise<ProposedMapping> {
    const requestId = randomUUID();
    return new Promise<ProposedMapping>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.engine.send({ type: 'mapping:propose', requestId, ...request });
    });
  }

  private onWorkerMessage(message: WorkerMessage): void {
    if (message.type !== 'mapping:proposed') return;
    const waiting = this.pending.get(message.requestId);
    if (!waiting) return;
    this.pending.delete(message.requestId);
    if (message.result) waiting.resolve(message.result);
    else waiting.reject(rebuildError(message.error));
  }
}

function rebuildError(error: SerializedError | null): Error {
  const code = IpcErrorCode.safeParse(error?.code);
  if (error?.name === 'IpcFailure' && code.success) return new IpcFailure(code.data, error.message);
  const rebuilt = new Error(error?.message ?? 'no answer');
  rebuilt.name = error?.name ?? 'Error';
  if (error?.code) (rebuilt as Error & { code: string }).code = error.code;
  return toIpcFailure(rebuilt);
}
