import { useEffect, useId, useState } from 'react';
import type { JobDetail, JobSummary } from '../../../shared/ipc-contract';
import { describeDayPlan } from '../../../shared/day-plan';
import { DayPlanChart } from '../components/day-plan-chart';
import { Notice } from '../components/notice';
import { ProgressBar } from '../components/progress-bar';
import { RetryFailedRows } from '../components/retry-failed-rows';
import { StatGrid } from '../components/stat-grid';
import {
  formatDateTime,
  formatDuration,
  jobStateLabel,
  jobStateTone,
  plural,
} from '../components/labels';
import { getImporter, messageOf, unwrap } from '../state/importer';
import { UndoCard } from './undo-card';
import { applyJob, startNewImport, useRendererState } from '../state/app-store';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

function stateSentence(job: JobSummary): string {
  if (job.message) return job.message;
  switch (job.state) {
    case 'running':
      return 'Sending contacts to Crisp. You can leave it running: if the app is closed, the import stops cleanly and carries on from the same row next time.';
    case 'paused':
      return 'Paused. Nothing is sent until you resume.';
    case 'waiting_quota':
      return `Today’s Crisp quota is spent. Sending continues by itself at ${formatDateTime(job.quota.resetsAt)}.`;
    case 'waiting_connection':
      return 'Crisp refused the connection. Fix the website’s token in Connections, then resume.';
    case 'completed':
      return 'Every row of the file has been handled.';
    case 'cancelled':
      return 'Cancelled. The contacts sent before stay in Crisp.';
    case 'failed':
      return 'The import stopped because of a problem.';
    default:
      return jobStateLabel[job.state];
  }
}

/** What is left, counting the daily quota: "about 6 days, finishing around Mon 7 Dec". */
function timeLeft(job: JobSummary): string | null {
  const plan = job.dayPlan;
  if (!plan || plan.requests === 0) {
    return job.etaSeconds === null ? null : `about ${formatDuration(job.etaSeconds)} left`;
  }
  const words = describeDayPlan(plan, Date.now(), { locale: undefined });
  if (job.state === 'paused') return `if resumed now: ${words}`;
  if (job.state === 'waiting_quota') return `when the quota is back: ${words}`;
  return words;
}

function planTitle(job: JobSummary): string {
  switch (job.state) {
    case 'paused':
      return 'What is left if you resume now, day by day';
    case 'waiting_quota':
      return 'What is left from the next reset, day by day';
    default:
      return 'What is left, day by day';
  }
}

/** Import progress, then the report, for one job. */
export function JobScreen(props: { jobId: string }): React.JSX.Element {
  const job = useRendererState((s) => s.app?.jobs.find((j) => j.jobId === props.jobId));
  const [detail, setDetail] = useState<JobDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const id = useId();
  const finished = job ? FINISHED.has(job.state) : false;

  useEffect(() => {
    let stale = false;
    void getImporter()
      .getJob({ jobId: props.jobId })
      .then((result) => {
        if (stale) return;
        if (result.ok) {
          setDetail(result.value);
          applyJob(result.value.job);
        } else setError(result.error.message);
      });
    return () => {
      stale = true;
    };
  }, [props.jobId, finished]);

  if (!job) {
    return (
      <section className="page">
        <h1>Import</h1>
        <Notice tone={error ? 'error' : 'info'}>
          <p>{error ?? 'Loading this import…'}</p>
        </Notice>
      </section>
    );
  }

  async function act(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const api = getImporter();
      const next =
        action === 'pause'
          ? await unwrap(api.pauseImport({ jobId: props.jobId }))
          : action === 'resume'
            ? await unwrap(api.resumeImport({ jobId: props.jobId }))
            : await unwrap(api.cancelImport({ jobId: props.jobId }));
      applyJob(next);
      setConfirmCancel(false);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  async function openFailedRows(): Promise<void> {
    setError(null);
    try {
      await unwrap(getImporter().openFailedRows({ jobId: props.jobId }));
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function saveFailedRows(): Promise<void> {
    setError(null);
    try {
      const result = await unwrap(getImporter().saveFailedRows({ jobId: props.jobId }));
      if (result.savedTo) setSaved(result.savedTo);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  const c = job.counters;
  const handled = c.created + c.updated + c.skipped + c.failed + c.unchanged;
  const tone = jobStateTone[job.state];
  const report = detail?.report ?? null;
  const canPause = job.state === 'running' || job.state === 'waiting_quota';
  const canResume = job.resumable && !canPause;
  const left = timeLeft(job);
  const plan = finished ? null : job.dayPlan;

  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <header className="page__header">
        <div className="row">
          <h1 id={`${id}-title`}>{finished ? 'Import report' : 'Importing'}</h1>
          <span className={`badge${tone ? ` badge--${tone}` : ''}`}>
            {jobStateLabel[job.state]}
          </span>
        </div>
        <p className="muted">
          <strong>{job.fileName}</strong> · <span className="mono">{job.displayPath}</span>
        </p>
      </header>

      <Notice
        tone={
          job.state === 'waiting_connection' || job.state === 'failed'
            ? 'error'
            : job.state === 'completed'
              ? 'ok'
              : job.state === 'paused' || job.state === 'waiting_quota'
                ? 'warning'
                : 'info'
        }
      >
        <p>{stateSentence(job)}</p>
      </Notice>

      {error && (
        <Notice tone="error" title="That did not work">
          <p>{error}</p>
        </Notice>
      )}

      <div className="card">
        <ProgressBar
          label="Import progress"
          value={Math.round(job.fraction * 1000)}
          max={1000}
          done={job.state === 'completed'}
        />
        <div className="row muted" aria-live="polite">
          <span>
            {Math.floor(job.fraction * 100)}% of the file
            {c.total !== null
              ? ` · ${plural(handled, 'row', 'rows')} of ${new Intl.NumberFormat().format(c.total)}`
              : ` · ${plural(handled, 'row', 'rows')} handled`}
          </span>
          <span className="spacer" />
          {job.rowsPerSecond !== null && !finished && (
            <span>{job.rowsPerSecond.toFixed(1)} rows/s</span>
          )}
          {left !== null && !finished && (
            <span>
              {job.rowsPerSecond !== null ? '· ' : ''}
              {left}
            </span>
          )}
        </div>
        <StatGrid
          label="Import counts"
          items={[
            { label: 'Created', value: c.created },
            { label: 'Updated', value: c.updated },
            ...(c.unchanged > 0 ? [{ label: 'Unchanged (not sent)', value: c.unchanged }] : []),
            { label: 'Skipped', value: c.skipped },
            { label: 'Failed', value: c.failed },
            { label: 'Requests to Crisp', value: c.requests },
          ]}
        />
        <dl className="kv">
          <dt>Quota left today</dt>
          <dd>
            {job.quota.left === null
              ? 'unknown'
              : `${new Intl.NumberFormat().format(job.quota.left)}${
                  job.quota.requestsPerDay !== null
                    ? ` of ${new Intl.NumberFormat().format(job.quota.requestsPerDay)} requests`
                    : ''
                }`}
          </dd>
          <dt>Next reset</dt>
          <dd>{formatDateTime(job.quota.resetsAt)}</dd>
          <dt>Started</dt>
          <dd>{formatDateTime(job.createdAt)}</dd>
          {job.finishedAt && (
            <>
              <dt>Finished</dt>
              <dd>{formatDateTime(job.finishedAt)}</dd>
            </>
          )}
        </dl>
        {!finished && (
          <div className="page__actions page__actions--start">
            {canPause && (
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => void act('pause')}
              >
                Pause
              </button>
            )}
            {canResume && (
              <button
                type="button"
                className="button button--primary"
                disabled={busy}
                onClick={() => void act('resume')}
              >
                Resume
              </button>
            )}
            {confirmCancel ? (
              <>
                <span>Cancel this import? Contacts already sent stay in Crisp.</span>
                <button
                  type="button"
                  className="button button--danger"
                  disabled={busy}
                  onClick={() => void act('cancel')}
                >
                  Yes, cancel the import
                </button>
                <button type="button" className="button" onClick={() => setConfirmCancel(false)}>
                  Keep importing
                </button>
              </>
            ) : (
              <button
                type="button"
                className="button button--danger"
                disabled={busy}
                onClick={() => setConfirmCancel(true)}
              >
                Cancel…
              </button>
            )}
          </div>
        )}
      </div>

      {plan && plan.requests > 0 && (
        <div className="card">
          <DayPlanChart plan={plan} title={planTitle(job)} />
        </div>
      )}

      {finished && (
        <div className="card">
          <h2>Rows that were not imported</h2>
          {job.hasFailedRows ? (
            <>
              <p>
                {plural(c.failed + c.skipped, 'row was', 'rows were')} not imported. The failed rows
                file holds them with their original columns and a reason for each: fix them and
                import that file again.
              </p>
              {report && report.failureGroups.length > 0 && (
                <ul>
                  {report.failureGroups.map((g, index) => (
                    <li key={`${index}-${g.code}`}>
                      <strong>{plural(g.count, 'row', 'rows')}</strong>: {g.message}{' '}
                      <span className="muted">
                        ({g.rows.length === 1 ? 'row' : 'rows'} {g.rows.slice(0, 10).join(', ')}
                        {g.count > 10 ? '…' : ''})
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              {report && job.state === 'completed' && (
                <RetryFailedRows jobId={props.jobId} report={report} />
              )}
              <div className="page__actions page__actions--start">
                <button type="button" className="button" onClick={() => void openFailedRows()}>
                  Open the failed rows
                </button>
                <button type="button" className="button" onClick={() => void saveFailedRows()}>
                  Save the failed rows as…
                </button>
              </div>
              {saved && (
                <Notice tone="ok">
                  <p>Saved to {saved}</p>
                </Notice>
              )}
            </>
          ) : (
            <p>Every row was imported.</p>
          )}
          {c.unchanged > 0 && (
            <p className="muted">
              {plural(c.unchanged, 'row was', 'rows were')} not sent: each contact is exactly what
              this app last wrote to the website.
            </p>
          )}
        </div>
      )}

      {finished && <UndoCard jobId={props.jobId} />}

      {finished && (
        <div className="page__actions">
          <button type="button" className="button button--primary" onClick={() => startNewImport()}>
            Start another import
          </button>
        </div>
      )}
    </section>
  );
}
