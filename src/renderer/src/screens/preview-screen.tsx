import { useEffect, useId, useState } from 'react';
import type { CheckReport, IssueGroup, PreviewRow } from '../../../shared/ipc-contract';
import type { ContactProfile } from '../../../shared/contact-profile';
import { describeUnchangedRows } from '../../../shared/day-plan';
import { DayPlanChart, dayPlanPhrase } from '../components/day-plan-chart';
import { Notice } from '../components/notice';
import { ProgressBar } from '../components/progress-bar';
import { StatGrid } from '../components/stat-grid';
import { VirtualTable, type VirtualTableColumn } from '../components/virtual-table';
import { formatBytes, plural } from '../components/labels';
import { getImporter, messageOf, unwrap } from '../state/importer';
import { applyJob, setState, showView, updateWizard, useRendererState } from '../state/app-store';

function describeContact(contact: ContactProfile): string {
  const parts: string[] = [];
  const { person, company } = contact;
  if (person.phone) parts.push(person.phone);
  const place = [person.geolocation?.city, person.geolocation?.country].filter(Boolean).join(', ');
  if (place) parts.push(place);
  if (company.name) parts.push(company.name);
  if (person.employment?.title) parts.push(person.employment.title);
  return parts.join(' · ');
}

function describeData(contact: ContactProfile): string {
  const entries = Object.entries(contact.data).map(([k, v]) => `${k}: ${String(v)}`);
  for (const key of contact.clearedDataKeys) entries.push(`${key}: (cleared)`);
  return entries.join(' · ');
}

const rowColumns: VirtualTableColumn<PreviewRow>[] = [
  { id: 'row', header: 'Row', width: 56, cell: (r) => r.row },
  {
    id: 'email',
    header: 'Email',
    cell: (r) => r.contact?.email ?? <span className="badge badge--error">not imported</span>,
  },
  {
    id: 'name',
    header: 'Name',
    cell: (r) =>
      r.contact ? (
        <>
          {r.contact.nickname}
          {r.contact.nicknameSource === 'email' && (
            <span className="muted" title="No name in the file: made from the email">
              {' '}
              (from email)
            </span>
          )}
        </>
      ) : (
        ''
      ),
  },
  { id: 'segments', header: 'Segments', cell: (r) => r.contact?.segments.join(', ') ?? '' },
  { id: 'profile', header: 'Profile', cell: (r) => (r.contact ? describeContact(r.contact) : '') },
  { id: 'data', header: 'Custom data', cell: (r) => (r.contact ? describeData(r.contact) : '') },
  {
    id: 'issues',
    header: 'Problems',
    cell: (r) =>
      r.issues.length === 0 ? (
        <span className="badge badge--ok">OK</span>
      ) : (
        <span title={r.issues.map((i) => i.message).join('\n')}>
          {r.issues.map((i) => i.message).join(' ')}
        </span>
      ),
  },
];

function IssueGroups(props: { groups: IssueGroup[] }): React.JSX.Element {
  return (
    <ul className="issue-groups" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {props.groups.map((group) => (
        <li
          key={`${group.code}-${group.column ?? ''}`}
          className="card"
          style={{ boxShadow: 'none' }}
        >
          <div className="row">
            <span className={`badge badge--${group.severity === 'error' ? 'error' : 'warning'}`}>
              {group.severity === 'error' ? 'Not imported' : 'Imported with a change'}
            </span>
            <strong>{plural(group.count, 'row', 'rows')}</strong>
            {group.column && <span className="muted">column “{group.column}”</span>}
          </div>
          <p>{group.message}</p>
          <p className="muted">
            {group.rows.length === 1 ? 'Row' : 'Rows'} {group.rows.slice(0, 20).join(', ')}
            {group.count > 20
              ? `, and ${new Intl.NumberFormat().format(group.count - 20)} more`
              : ''}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** "41,230 of 50,000 rows are unchanged since the import of 3 Nov and will be skipped (…)". */
function unchangedSentence(report: CheckReport): string | null {
  return describeUnchangedRows(
    report.unchanged,
    report.rows,
    report.estimate.plan?.saved?.days ?? 0,
    {
      locale: undefined,
    },
  );
}

/** How long the import takes: in words, then day by day. */
function HowLong(props: {
  report: CheckReport;
  connectionLabel: string | null;
}): React.JSX.Element {
  const { report, connectionLabel } = props;
  const plan = report.estimate.plan;
  const unchanged = unchangedSentence(report);
  return (
    <>
      <Notice tone="info" title="How long it will take">
        <p>
          About {plural(report.estimate.requests, 'request', 'requests')} to Crisp. At{' '}
          {plural(report.estimate.requestsPerDay, 'request', 'requests')} a day
          {connectionLabel ? ` for ${connectionLabel}` : ''}, that is{' '}
          {plan && plan.requests > 0
            ? dayPlanPhrase(plan)
            : report.estimate.days <= 1
              ? 'less than a day'
              : `about ${Math.ceil(report.estimate.days)} days`}
          . The import waits for each day’s quota and carries on by itself.
        </p>
        {unchanged && <p>{unchanged}</p>}
      </Notice>
      {plan && <DayPlanChart plan={plan} title="Day by day" />}
    </>
  );
}

/**
 * Preview: the first rows exactly as they will be sent, then a check of the whole file with
 * its problems grouped, and the request and days estimate at the connection's budget.
 */
export function PreviewScreen(): React.JSX.Element {
  const wizard = useRendererState((s) => s.wizard);
  const check = useRendererState((s) =>
    s.wizard.checkId ? s.checks[s.wizard.checkId] : undefined,
  );
  const connection = useRendererState((s) =>
    s.app?.connections.connections.find((c) => c.connectionId === s.wizard.connectionId),
  );
  const [rows, setRows] = useState<PreviewRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [exported, setExported] = useState<string | null>(null);
  const [sendAll, setSendAll] = useState(false);
  const [undoable, setUndoable] = useState(false);
  const id = useId();
  const { file, mapping, overrides } = wizard;

  useEffect(() => {
    if (!file || !mapping) return;
    let stale = false;
    void getImporter()
      .previewRows({ fileId: file.fileId, overrides, mapping, limit: 50 })
      .then((result) => {
        if (stale) return;
        if (result.ok) setRows(result.value.rows);
        else setError(result.error.message);
      });
    return () => {
      stale = true;
    };
  }, [file, mapping, overrides]);

  if (!file || !mapping) {
    return (
      <section className="page">
        <h1>Preview</h1>
        <Notice tone="info">
          <p>Choose a file and map its columns first.</p>
        </Notice>
      </section>
    );
  }

  async function startCheck(): Promise<void> {
    if (!file || !mapping) return;
    setError(null);
    setExported(null);
    try {
      const started = await unwrap(
        getImporter().startCheck({
          fileId: file.fileId,
          overrides,
          mapping,
          ...(wizard.connectionId ? { connectionId: wizard.connectionId } : {}),
        }),
      );
      const status = await unwrap(getImporter().getCheck({ checkId: started.checkId }));
      setState((s) => ({
        ...s,
        checks: { ...s.checks, [started.checkId]: status },
        wizard: { ...s.wizard, checkId: started.checkId },
      }));
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function cancelCheck(): Promise<void> {
    if (!wizard.checkId) return;
    const status = await getImporter().cancelCheck({ checkId: wizard.checkId });
    if (status.ok)
      setState((s) => ({ ...s, checks: { ...s.checks, [status.value.checkId]: status.value } }));
  }

  async function exportIssues(): Promise<void> {
    if (!wizard.checkId) return;
    try {
      const saved = await unwrap(getImporter().exportCheckIssues({ checkId: wizard.checkId }));
      if (saved.savedTo) setExported(saved.savedTo);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function startImport(): Promise<void> {
    if (!file || !mapping || !wizard.connectionId) return;
    setBusy(true);
    setError(null);
    try {
      const job = await unwrap(
        getImporter().startImport({
          fileId: file.fileId,
          overrides,
          mapping,
          connectionId: wizard.connectionId,
          ...(wizard.presetId ? { presetId: wizard.presetId } : {}),
          ...(sendAll ? { sendAll: true } : {}),
          ...(undoable ? { undoable: true } : {}),
        }),
      );
      applyJob(job);
      showView({ page: 'job', jobId: job.jobId });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  const report = check?.report ?? null;
  const running = check?.state === 'running';
  const canImport = report !== null && report.valid > 0 && !busy && Boolean(wizard.connectionId);

  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <header className="page__header">
        <h1 id={`${id}-title`}>Preview</h1>
        <p className="muted">
          The first rows of <strong>{file.name}</strong> exactly as they will be sent to Crisp.
        </p>
      </header>

      {error && (
        <Notice tone="error" title="That did not work">
          <p>{error}</p>
        </Notice>
      )}

      <div className="card">
        <div className="card__header">
          <h2>First rows as they will be sent</h2>
          {rows && (
            <span className="muted">
              {plural(rows.filter((r) => r.contact).length, 'contact', 'contacts')} ready,{' '}
              {plural(rows.filter((r) => !r.contact).length, 'row', 'rows')} not imported
            </span>
          )}
        </div>
        {rows ? (
          <VirtualTable
            label="First rows as they will be sent"
            columns={rowColumns}
            rows={rows}
            rowKey={(r) => String(r.row)}
            rowSeverity={(r) =>
              !r.contact ? 'error' : r.issues.length > 0 ? 'warning' : undefined
            }
            height={340}
          />
        ) : (
          <p className="muted">Reading the first rows…</p>
        )}
      </div>

      <div className="card">
        <div className="card__header">
          <h2>Check the whole file</h2>
          {!check && (
            <button
              type="button"
              className="button button--primary"
              onClick={() => void startCheck()}
            >
              Check the whole file
            </button>
          )}
          {running && (
            <button type="button" className="button" onClick={() => void cancelCheck()}>
              Stop the check
            </button>
          )}
          {check && !running && (
            <button type="button" className="button" onClick={() => void startCheck()}>
              Check again
            </button>
          )}
        </div>
        {!check && (
          <p className="muted">
            Reads every row and lists every problem before anything is sent. Nothing is sent to
            Crisp.
          </p>
        )}
        {check && (
          <>
            <ProgressBar
              label="Checking the file"
              value={check.progress.bytesRead}
              max={check.progress.totalBytes}
              done={check.state === 'completed'}
            />
            <p className="muted" aria-live="polite">
              {running
                ? `Checked ${plural(check.progress.rows, 'row', 'rows')} (${formatBytes(check.progress.bytesRead)} of ${formatBytes(check.progress.totalBytes)})…`
                : check.state === 'completed'
                  ? `Checked all ${plural(check.progress.rows, 'row', 'rows')}.`
                  : check.state === 'cancelled'
                    ? 'The check was stopped.'
                    : (check.error?.message ?? 'The check failed.')}
            </p>
          </>
        )}
        {report && (
          <>
            <StatGrid
              label="Result of the check"
              items={[
                { label: 'Rows', value: report.rows },
                { label: 'Ready to import', value: report.valid },
                { label: 'Not imported', value: report.invalid },
                { label: 'With a warning', value: report.warnings },
                { label: 'Repeated emails', value: report.duplicateEmails },
                ...(report.unchanged && report.unchanged.rows > 0
                  ? [{ label: 'Unchanged since the last import', value: report.unchanged.rows }]
                  : []),
              ]}
            />
            {report.notes.length > 0 && (
              <Notice tone="info" title="Found by reading the whole file">
                {report.notes.map((note, i) => (
                  <p key={i}>{note}</p>
                ))}
              </Notice>
            )}
            <HowLong report={report} connectionLabel={connection?.label ?? null} />
            {report.unchanged && report.unchanged.rows > 0 && (
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={sendAll}
                  onChange={(e) => setSendAll(e.target.checked)}
                />
                <span>
                  Send every row anyway, unchanged ones too
                  <br />
                  <span className="muted">
                    For instance after contacts were deleted in Crisp. About{' '}
                    {plural(report.unchanged.requestsSaved, 'more request', 'more requests')}.
                  </span>
                </span>
              </label>
            )}
            {report.estimate.undoable && (
              <UndoableChoice
                checked={undoable}
                onChange={setUndoable}
                cost={report.estimate.undoable}
              />
            )}
            {report.duplicateEmails > 0 && (
              <Notice tone="info">
                <p>
                  {plural(report.duplicateEmails, 'row repeats', 'rows repeat')} an email found
                  earlier in the file. Those rows update the same contact instead of creating a new
                  one.
                </p>
              </Notice>
            )}
            {report.issueGroups.length > 0 ? (
              <>
                <div className="row">
                  <h3>Problems found</h3>
                  <span className="spacer" />
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => void exportIssues()}
                  >
                    Download the problems as CSV
                  </button>
                </div>
                {exported && (
                  <Notice tone="ok">
                    <p>Saved to {exported}</p>
                  </Notice>
                )}
                <IssueGroups groups={report.issueGroups} />
              </>
            ) : (
              <Notice tone="ok">
                <p>No problems found.</p>
              </Notice>
            )}
          </>
        )}
      </div>

      <div className="page__actions">
        <button type="button" className="button" onClick={() => updateWizard({ step: 'map' })}>
          Back
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={!canImport}
          onClick={() => void startImport()}
        >
          {busy
            ? 'Starting…'
            : report
              ? `Import ${plural(report.valid, 'contact', 'contacts')}`
              : 'Import (check the file first)'}
        </button>
      </div>
    </section>
  );
}

/** The choice to keep what existing contacts hold, so the import can be undone, with its cost. */
function UndoableChoice({
  checked,
  onChange,
  cost,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  cost: { extraRequests: number; daysIfAllExist: number };
}): React.JSX.Element {
  return (
    <label className="checkbox">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>
        Keep what existing contacts hold, so this import can be undone
        <br />
        <span className="muted">
          Before a contact already in Crisp is changed, it is read and kept: up to{' '}
          {plural(cost.extraRequests, 'more request', 'more requests')} (one per contact that
          exists), about {plural(cost.daysIfAllExist, 'day', 'days')} in all if every contact
          already exists. Without it, undo can only delete the contacts the import created.
        </span>
      </span>
    </label>
  );
}
