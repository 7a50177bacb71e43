/**
 * Pushed events, main -> renderer: each payload is validated against the contract before it
 * leaves, and progress events are throttled to at most MAX_PROGRESS_EVENTS_PER_SECOND per job or
 * check (the last one of a burst is always delivered, so the final figures are never lost).
 */
import {
  MAX_PROGRESS_EVENTS_PER_SECOND,
  ipcEvents,
  type EventName,
  type EventPayload,
} from '../../shared/ipc-contract';

export type EventSink = (event: EventName, payload: unknown) => void;

export interface EventPublisher {
  publish<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Sends any throttled progress now (before a state change, so the order stays right). */
  flush(key?: string): void;
  close(): void;
}

const THROTTLED: ReadonlySet<EventName> = new Set(['import:progressed', 'check:progressed']);

function throttleKey(event: EventName, payload: unknown): string {
  const record = payload as { jobId?: string; checkId?: string };
  return `${event}:${record.jobId ?? record.checkId ?? ''}`;
}

function supersededKey(event: EventName, payload: unknown): string | null {
  if (event === 'import:stateChanged') {
    return `import:progressed:${(payload as { job: { jobId: string } }).job.jobId}`;
  }
  if (event === 'check:finished') {
    return `check:progressed:${(payload as { checkId: string }).checkId}`;
  }
  return null;
}

export function createEventPublisher(
  sink: EventSink,
  options: { onInvalid?: (event: EventName, error: unknown) => void; now?: () => number } = {},
): EventPublisher {
  const interval = 1000 / MAX_PROGRESS_EVENTS_PER_SECOND;
  const now = options.now ?? (() => Date.now());
  const lastSent = new Map<string, number>();
  const pending = new Map<string, { event: EventName; payload: unknown; timer: NodeJS.Timeout }>();

  function send(event: EventName, payload: unknown): void {
    const parsed = ipcEvents[event].payload.safeParse(payload);
    if (!parsed.success) {
      options.onInvalid?.(event, parsed.error);
      return;
    }
    sink(event, parsed.data);
  }

  function sendPending(key: string): void {
    const entry = pending.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    pending.delete(key);
    lastSent.set(key, now());
    send(entry.event, entry.payload);
  }

  return {
    publish(event, payload) {
      if (!THROTTLED.has(event)) {
        // A state change or a finished check supersedes progress still waiting for its turn:
        // that progress is older, and must not arrive after it.
        const superseded = supersededKey(event, payload);
        if (superseded) {
          const stale = pending.get(superseded);
          if (stale) {
            clearTimeout(stale.timer);
            pending.delete(superseded);
          }
        }
        send(event, payload);
        return;
      }
      const key = throttleKey(event, payload);
      const wait = (lastSent.get(key) ?? -Infinity) + interval - now();
      const queued = pending.get(key);
      if (queued) {
        queued.payload = payload;
        return;
      }
      if (wait <= 0) {
        lastSent.set(key, now());
        send(event, payload);
        return;
      }
      const timer = setTimeout(() => sendPending(key), wait);
      timer.unref?.();
      pending.set(key, { event, payload, timer });
    },
    flush(key) {
      if (key !== undefined) {
        for (const k of [...pending.keys()]) if (k.endsWith(`:${key}`)) sendPending(k);
        return;
      }
      for (const k of [...pending.keys()]) sendPending(k);
    },
    close() {
      for (const entry of pending.values()) clearTimeout(entry.timer);
      pending.clear();
    },
  };
}
