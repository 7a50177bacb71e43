/** Which state a job may move to from which: one table, checked on every change. */
import type { ImportJobState } from './job-record';

const TRANSITIONS: Record<ImportJobState, readonly ImportJobState[]> = {
  draft: ['scanning', 'ready', 'cancelled', 'failed'],
  scanning: ['ready', 'cancelled', 'failed'],
  ready: ['running', 'cancelled', 'failed'],
  running: [
    'ready',
    'paused',
    'waiting_for_quota',
    'waiting_for_connection',
    'completed',
    'failed',
    'cancelled',
  ],
  paused: ['ready', 'running', 'cancelled', 'failed'],
  waiting_for_quota: [
    'ready',
    'running',
    'paused',
    'waiting_for_connection',
    'cancelled',
    'failed',
  ],
  waiting_for_connection: [
    'ready',
    'running',
    'paused',
    'waiting_for_quota',
    'cancelled',
    'failed',
  ],
  completed: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: ImportJobState, to: ImportJobState): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

export class JobStateError extends Error {
  readonly code = 'job_state';
  constructor(
    readonly from: ImportJobState,
    readonly to: ImportJobState,
  ) {
    super(`An import that is ${describeJobState(from)} cannot become ${describeJobState(to)}.`);
  }
}

export function assertTransition(from: ImportJobState, to: ImportJobState): void {
  if (!canTransition(from, to)) throw new JobStateError(from, to);
}

/** States a job can be resumed from (sending continues from its resume point). */
export function isResumableState(state: ImportJobState): boolean {
  return (
    state === 'ready' ||
    state === 'running' || // a process that died while running leaves this state behind
    state === 'paused' ||
    state === 'waiting_for_quota' ||
    state === 'waiting_for_connection'
  );
}

export function describeJobState(state: ImportJobState): string {
  switch (state) {
    case 'draft':
      return 'a draft';
    case 'scanning':
      return 'checking the file';
    case 'ready':
      return 'ready to send';
    case 'running':
      return 'sending';
    case 'paused':
      return 'paused';
    case 'waiting_for_quota':
      return 'waiting for the daily quota';
    case 'waiting_for_connection':
      return 'waiting for the connection to be fixed';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
  }
}
