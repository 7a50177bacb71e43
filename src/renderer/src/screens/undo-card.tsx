import { useEffect, useId, useState } from 'react';
import type { UndoPreview, UndoStatus } from '../../../shared/ipc-contract';
import { Notice } from '../components/notice';
import { ProgressBar } from '../components/progress-bar';
import { plural } from '../components/labels';
import { getImporter, messageOf, unwrap } from '../state/importer';

/** What the confirmation says will happen, in numbers. */
function previewSentences(p: UndoPreview): string[] {
  const out: string[] = [];
  out.push(
    `${plural(p.deletes, 'profile', 'profiles')} this import created will be deleted.`,
    `${plural(p.restores, 'profile', 'profiles')} it updated will get back what ${p.restores === 1 ? 'it' : 'they'} held before it (fields and custom data it added are removed).`,
  );
  if (p.cannotRestore > 0)
    out.push(
      `${plural(p.cannotRestore, 'contact', 'contacts')} it updated cannot be restored: the import was not started "so it can be undone", so what they held before was not kept. They are left as they are.`,
    );
  if (p.alreadyDone > 0)
    out.push(`${plural(p.alreadyDone, 'profile was', 'profiles were')} undone already.`);
  out.push(
    `About ${plural(p.requests, 'request', 'requests')} to Crisp at most. A profile someone changed in Crisp since the import is not touched: you are asked about it at the end.`,
  );
  return out;
}

/** How the undo ended (or paused), and the profiles changed in Crisp since the import. */
function UndoOutcome(props: {
  status: UndoStatus;
  leaveChanged: boolean;
  onUndoChanged: () => void;
  onLeaveChanged: () => void;
}): React.JSX.Element | null {
  const { status } = props;
  const result = status.result;
  if (!result) return null;
  return (
    <>
      {status.state === 'completed' && (
        <Notice
          tone={result.changedSince + result.failed + result.cannotRestore > 0 ? 'warning' : 'ok'}
        >
          <p>
            Undone: {plural(result.deleted, 'profile', 'profiles')} deleted,{' '}
            {plural(result.restored, 'profile', 'profiles')} restored
            {result.alreadyUndone > 0 ? `, ${result.alreadyUndone} already as before` : ''}.
            {result.failed > 0
              ? ` ${plural(result.failed, 'profile', 'profiles')} could not be undone: try again later.`
              : ''}
            {result.cannotRestore > 0
              ? ` ${plural(result.cannotRestore, 'contact', 'contacts')} cannot be restored and were left as they are.`
              : ''}
          </p>
        </Notice>
      )}
      {status.state === 'paused' && (
        <Notice tone="warning">
          <p>
            The undo paused{result.problem ? `: ${result.problem}` : ''}. {result.pending} left to
            undo.
          </p>
        </Notice>
      )}
      {result.changedSince > 0 && !props.leaveChanged && (
        <Notice
          tone="warning"
          title={`${plural(result.changedSince, 'profile was', 'profiles were')} changed in Crisp after the import`}
          actions={
            <>
              <button type="button" className="button" onClick={props.onUndoChanged}>
                Undo them anyway
              </button>
              <button type="button" className="button" onClick={props.onLeaveChanged}>
                Leave them as they are
              </button>
            </>
          }
        >
          <p>
            Someone changed them since: undoing them would lose that change. They were left as they
            are. {result.changed.slice(0, 10).join(', ')}
            {result.changed.length > 10 ? '…' : ''}
          </p>
        </Notice>
      )}
    </>
  );
}

/** "Undo this import?": what will happen, in numbers, before anything is done. */
function UndoConfirmation(props: {
  preview: UndoPreview;
  onUndo: () => void;
  onKeep: () => void;
}): React.JSX.Element {
  const id = useId();
  return (
    <div
      role="dialog"
      aria-modal="false"
      aria-labelledby={`${id}-confirm`}
      className="notice notice--warning"
    >
      <div className="notice__body">
        <p id={`${id}-confirm`} className="notice__title">
          Undo this import?
        </p>
        {previewSentences(props.preview).map((sentence, i) => (
          <p key={i}>{sentence}</p>
        ))}
      </div>
      <div className="row">
        <button type="button" className="button button--danger" onClick={props.onUndo}>
          Undo the import
        </button>
        <button type="button" className="button" onClick={props.onKeep}>
          Keep the import
        </button>
      </div>
    </div>
  );
}

/** "Undo this import…" on the report: the confirmation, the progress, the outcome. */
export function UndoCard(props: { jobId: string }): React.JSX.Element {
  const [status, setStatus] = useState<UndoStatus | null>(null);
  const [preview, setPreview] = useState<UndoPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [leaveChanged, setLeaveChanged] = useState(false);
  const id = useId();

  useEffect(() => {
    const api = getImporter();
    let stale = false;
    void api.getUndo({ jobId: props.jobId }).then((result) => {
      if (!stale && result.ok) setStatus(result.value);
    });
    const stop = api.onUndoProgressed((next) => {
      if (next.jobId === props.jobId) setStatus(next);
    });
    return () => {
      stale = true;
      stop();
    };
  }, [props.jobId]);

  async function askFirst(): Promise<void> {
    setError(null);
    try {
      setPreview(await unwrap(getImporter().previewUndo({ jobId: props.jobId })));
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function start(overwriteChanged: boolean): Promise<void> {
    setError(null);
    setPreview(null);
    try {
      setStatus(
        await unwrap(
          getImporter().startUndo({
            jobId: props.jobId,
            ...(overwriteChanged ? { overwriteChanged: true } : {}),
          }),
        ),
      );
    } catch (e) {
      setError(messageOf(e));
    }
  }

  const running = status?.state === 'running';
  return (
    <div className="card" aria-labelledby={`${id}-undo`}>
      <h2 id={`${id}-undo`}>Undo this import</h2>
      {running && status && (
        <ProgressBar
          label={`Undoing: ${status.done} of ${plural(status.total, 'profile', 'profiles')}, ${plural(status.requests, 'request', 'requests')}`}
          value={status.done}
          max={status.total}
        />
      )}
      {!running && status && (
        <UndoOutcome
          status={status}
          leaveChanged={leaveChanged}
          onUndoChanged={() => void start(true)}
          onLeaveChanged={() => setLeaveChanged(true)}
        />
      )}
      {preview && (
        <UndoConfirmation
          preview={preview}
          onUndo={() => void start(false)}
          onKeep={() => setPreview(null)}
        />
      )}
      {!running && !preview && status?.state !== 'completed' && (
        <div className="page__actions page__actions--start">
          <button type="button" className="button" onClick={() => void askFirst()}>
            {status?.state === 'paused' ? 'Continue the undo…' : 'Undo this import…'}
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
