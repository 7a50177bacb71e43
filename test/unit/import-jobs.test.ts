import { describe, expect, it } from 'vitest';
import {
  applyJournalRecord,
  canTransition,
  emptyReplayState,
  formatCsvLine,
  ImportLog,
  neutralizeFormulaCell,
  newJobId,
  RowWatermark,
} from '../../src/main/engine/import-jobs';

describe('row watermark', () => {
  it('stays at the lowest row whose outcome is not durable while later rows finish first', () => {
    const w = new RowWatermark();
    w.register(2, 10);
    w.register(3, 20);
    w.register(4, 30);
    w.settle(3);
    w.settle(4);
    expect(w.current()).toEqual({ row: 2, offset: 10 });
    w.settle(2);
    // everything settled: the last settled row, which the journal lists as recorded
    expect(w.current()).toEqual({ row: 4, offset: 30 });
    expect(w.pendingCount).toBe(0);
  });

  it('starts from the resume point it was given', () => {
    const w = new RowWatermark({ row: 100, offset: 5000 });
    expect(w.current()).toEqual({ row: 100, offset: 5000 });
  });
});

describe('journal replay', () => {
  it('counts each row once and forgets recorded rows below a mark', () => {
    const s = emptyReplayState();
    applyJournalRecord(s, {
      t: 'row',
      row: 3,
      at: 30,
      outcome: 'created',
      peopleId: 'p',
      requests: 1,
    });
    applyJournalRecord(s, {
      t: 'row',
      row: 2,
      at: 20,
      outcome: 'skipped',
      code: 'email_missing',
      reason: 'No email.',
      requests: 0,
    });
    applyJournalRecord(s, {
      t: 'row',
      row: 3,
      at: 30,
      outcome: 'created',
      peopleId: 'p',
      requests: 1,
    });
    expect(s.counters).toEqual({
      read: 2,
      created: 1,
      updated: 0,
      skipped: 1,
      failed: 0,
      unchanged: 0,
      requests: 1,
    });
    expect(s.skippedByCode).toEqual({ email_missing: 1 });
    applyJournalRecord(s, { t: 'mark', row: 3, at: 30 });
    expect([...s.recordedAbove]).toEqual([3]);
    expect(s.resumePoint).toEqual({ row: 3, offset: 30 });
  });
});

describe('failed rows CSV cells', () => {
  it('neutralizes cells a spreadsheet would run as formulas', () => {
    for (const cell of ['=SUM(A1)', '+33 6 12', '-2', '@cmd', '\tx', '\rx']) {
      expect(neutralizeFormulaCell(cell)).toBe(`'${cell}`);
    }
    expect(neutralizeFormulaCell('jane@example.com')).toBe('jane@example.com');
  });

  it('quotes cells holding the delimiter, quotes or line breaks', () => {
    expect(formatCsvLine(['a;b', 'say "hi"', 'x\ny', 'plain'], ';')).toBe(
      '"a;b";"say ""hi""";"x\ny";plain',
    );
    expect(formatCsvLine(['a,b', '=1+1'], ',')).toBe(`"a,b",'=1+1`);
  });
});

describe('import log', () => {
  it('never writes a secret it was told about, a Basic header or a key-shaped string', () => {
    const log = new ImportLog('/dev/null');
    log.addSecret('my-secret-key-123');
    const key = 'cc29e1a5086e428fcc6a697d5837a66d82808e65c5cce006fbf2191ceea80a0a';
    const text = log.redact(
      `key my-secret-key-123, Authorization: Basic dXNlcjpwYXNzd29yZA== and ${key}`,
    );
    expect(text).not.toContain('my-secret-key-123');
    expect(text).not.toContain('dXNlcjpwYXNzd29yZA==');
    expect(text).not.toContain(key);
  });
});

describe('job states', () => {
  it('allows resuming a paused job and refuses to restart a finished one', () => {
    expect(canTransition('paused', 'running')).toBe(true);
    expect(canTransition('waiting_for_quota', 'running')).toBe(true);
    expect(canTransition('completed', 'running')).toBe(false);
    expect(canTransition('cancelled', 'running')).toBe(false);
  });

  it('makes ids that sort by creation time', () => {
    const a = newJobId(new Date('2026-01-01T00:00:00Z'));
    const b = newJobId(new Date('2026-01-02T00:00:00Z'));
    expect(a < b).toBe(true);
  });
});
