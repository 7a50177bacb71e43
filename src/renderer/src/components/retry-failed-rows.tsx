import { useState } from 'react';
import type { JobReport } from '../../../shared/ipc-contract';
import { plural } from './labels';
import { Notice } from './notice';
import { getImporter, messageOf, unwrap } from '../state/importer';
import { applyJob } from '../state/app-store';

/**
 * On a completed import's report: "Retry N failed rows" sends again, inside the same import, the
 * rows that failed for a reason that can pass (a server error, a timeout); rows Crisp refused are
 * named, not sent again. The progress then shows as for an import.
 */
export function RetryFailedRows(props: {
  jobId: string;
  report: JobReport;
}): React.JSX.Element | null {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { retryableFailed, notRetryableFailed } = props.report;
  if (retryableFailed === 0 && notRetryableFailed === 0) return null;

  async function retry(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      applyJob(await unwrap(getImporter().retryFailedRows({ jobId: props.jobId })));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="retry-failed">
      {retryableFailed > 0 && (
        <p>
          {plural(retryableFailed, 'row', 'rows')} failed for a reason that can pass (Crisp answered
          with an error, or did not answer in time): they can be sent again now.
        </p>
      )}
      {notRetryableFailed > 0 && (
        <p className="muted">
          {plural(notRetryableFailed, 'failed row is', 'failed rows are')} not sent again: Crisp
          refused {notRetryableFailed === 1 ? 'its' : 'their'} data, so{' '}
          {notRetryableFailed === 1 ? 'it' : 'they'} would fail again. Fix{' '}
          {notRetryableFailed === 1 ? 'it' : 'them'} in the failed rows file.
        </p>
      )}
      {retryableFailed > 0 && (
        <div className="page__actions page__actions--start">
          <button
            type="button"
            className="button button--primary"
            disabled={busy}
            onClick={() => void retry()}
          >
            Retry {plural(retryableFailed, 'failed row', 'failed rows')}
          </button>
        </div>
      )}
      {error && (
        <Notice tone="error">
          <p>{error}</p>
        </Notice>
      )}
    </div>
  );
}
