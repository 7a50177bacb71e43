/**
 * Before a run sends anything: when the change ledger remembers emails with several rows, the
 * whole file is read once to count them (../contact-planning/repeated-email-census.ts), so the
 * planner need not hold the unchanged rows of such an email until its later rows come (which, for
 * rows far apart, meant sending them after all). Rows are taken as the run takes them: a row with
 * a reader error or one the mapper refuses is not a valid row and does not count.
 *
 * Costs one read of the file (about 2 s a million rows), only when the ledger has such emails and
 * unchanged rows may be skipped. On any problem (the file cannot be read, a stop) there is no
 * census and the planner holds as before: dearer, never wrong.
 */
import { RepeatedEmailCensus } from '../contact-planning';
import type { ChangeLedger } from '../change-ledger';
import type { ImportJobRecord } from './job-record';
import type { JobRowMapper, JobRowSource } from './import-job-parts';

export interface RepeatedEmailCountOptions {
  job: ImportJobRecord;
  ledger: ChangeLedger | null;
  /** Every row is sent anyway (send all, or another import wrote since): no census needed. */
  sendAll: boolean;
  source: JobRowSource;
  mapper: JobRowMapper;
  signal: AbortSignal;
}

export async function countRepeatedEmails(
  options: RepeatedEmailCountOptions,
): Promise<RepeatedEmailCensus | null> {
  const { ledger, signal } = options;
  if (!ledger || options.sendAll) return null;
  // A resumed first import has seen its own repeated emails: only older imports' ones count.
  const job = ledger.jobNumber(options.job.id, options.job.startedAt ?? options.job.createdAt);
  if (ledger.countRepeated(job) === 0) return null;
  const census = new RepeatedEmailCensus(ledger, options.job.mapping.emptyCells);
  const start = {
    offset: options.job.layout.dataStartOffset,
    row: options.job.layout.dataStartRow,
  };
  try {
    for await (const batch of options.source.read(start, signal)) {
      for (const record of batch) {
        if (record.issues.some((issue) => issue.severity === 'error')) continue;
        const contact = options.mapper.mapRow(record.fields, record.row).contact;
        if (contact) census.add(contact);
      }
      if (signal.aborted) return null;
    }
  } catch {
    return null;
  }
  return census;
}
