// Pushed events: validated against the contract before they leave main, and progress throttled
// to at most 10 a second per job, the latest figures always delivered last.
import { describe, expect, it } from 'vitest';
import type { EventName, JobSummary } from '../../src/shared/ipc-contract';
import { createEventPublisher } from '../../src/main/ipc/event-publisher';

function job(jobId: string, read: number): JobSummary {
  const now = new Date().toISOString();
  return {
    jobId,
    fileName: 'contacts.csv',
    displayPath: '/tmp/contacts.csv',
    connectionId: null,
    websiteId: 'w',
    state: 'running',
    counters: {
      read,
      total: null,
      created: read,
      updated: 0,
      skipped: 0,
      failed: 0,
      unchanged: 0,
      requests: read,
    },
    fraction: 0.5,
    rowsPerSecond: 10,
    etaSeconds: 5,
    finishesAt: null,
    dayPlan: null,
    quota: { left: 100, requestsPerDay: 10_000, resetsAt: null },
    message: null,
    resumable: false,
    hasFailedRows: false,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
  };
}

describe('event publisher', () => {
  it('sends at most 10 progress events a second per job, and the last one always arrives', async () => {
    const sent: Array<{ event: EventName; payload: unknown }> = [];
    const publisher = createEventPublisher((event, payload) => sent.push({ event, payload }));
    const started = Date.now();
    for (let read = 1; read <= 1000; read++) {
      publisher.publish('import:progressed', job('a', read));
      if (read % 50 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    const elapsed = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 150));
    const delivered = sent.filter((e) => e.event === 'import:progressed');
    expect(delivered.length).toBeLessThanOrEqual(Math.ceil(elapsed * 10) + 2);
    expect((delivered.at(-1)?.payload as JobSummary).counters.read).toBe(1000);
    publisher.close();
  });

  it('throttles each job on its own, never delays state changes, and drops older progress', () => {
    const sent: Array<{ event: EventName; payload: unknown }> = [];
    const publisher = createEventPublisher((event, payload) => sent.push({ event, payload }));
    publisher.publish('import:progressed', job('a', 1));
    publisher.publish('import:progressed', job('b', 1));
    publisher.publish('import:progressed', job('a', 2));
    publisher.publish('import:stateChanged', { job: job('a', 2), previousState: 'running' });
    expect(sent.map((e) => e.event)).toEqual([
      'import:progressed',
      'import:progressed',
      'import:stateChanged',
    ]);
    publisher.flush();
    expect(sent).toHaveLength(3);
    publisher.publish('import:progressed', job('b', 2));
    publisher.flush();
    expect((sent.at(-1)?.payload as JobSummary).counters.read).toBe(2);
    publisher.close();
  });

  it('drops a payload that breaks the contract instead of sending it', () => {
    const sent: unknown[] = [];
    const invalid: string[] = [];
    const publisher = createEventPublisher((_event, payload) => sent.push(payload), {
      onInvalid: (event) => invalid.push(event),
    });
    publisher.publish('settings:changed', { theme: 'purple' } as never);
    expect(sent).toEqual([]);
    expect(invalid).toEqual(['settings:changed']);
  });
});
