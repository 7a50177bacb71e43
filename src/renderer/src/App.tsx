import { useEffect } from 'react';
import { Notice } from './components/notice';
import { Stepper } from './components/stepper';
import { jobStateLabel, jobStateTone } from './components/labels';
import { ChooseFileScreen } from './screens/choose-file-screen';
import { ConnectScreen } from './screens/connect-screen';
import { JobScreen } from './screens/job-screen';
import { MapColumnsScreen } from './screens/map-columns-screen';
import { PresetsScreen } from './screens/presets-screen';
import { PreviewScreen } from './screens/preview-screen';
import { SettingsScreen } from './screens/settings-screen';
import {
  connectToMain,
  setState,
  showView,
  startNewImport,
  useRendererState,
  NO_ITEMS,
  type View,
  type WizardStep,
} from './state/app-store';
import { getImporter, messageOf, unwrap } from './state/importer';
import { applyJob } from './state/app-store';

const STEPS: { id: WizardStep | 'import'; label: string }[] = [
  { id: 'connect', label: 'Connect' },
  { id: 'file', label: 'Choose file' },
  { id: 'map', label: 'Map columns' },
  { id: 'preview', label: 'Preview' },
  { id: 'import', label: 'Import' },
];

function Sidebar(): React.JSX.Element {
  const jobs = useRendererState((s) => s.app?.jobs ?? NO_ITEMS);
  const view = useRendererState((s) => s.view);
  const isView = (page: View['page']) => view.page === page;
  return (
    <aside className="sidebar" aria-label="Imports">
      <div className="sidebar__brand">
        <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
          <rect x="2" y="3" width="20" height="18" rx="5" fill="var(--accent)" />
          <path
            d="M7 12.5l3 3 7-7"
            stroke="var(--accent-text)"
            strokeWidth="2.4"
            fill="none"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        Contact Importer
      </div>
      <div className="sidebar__section">
        <button
          type="button"
          className="button button--primary"
          style={{ width: '100%', justifyContent: 'center' }}
          onClick={() => startNewImport()}
        >
          New import
        </button>
      </div>
      <div className="sidebar__heading" id="sidebar-imports">
        Imports
      </div>
      <ul className="sidebar__list sidebar__section" aria-labelledby="sidebar-imports">
        {jobs.length === 0 && (
          <li className="muted" style={{ padding: 8 }}>
            No imports yet.
          </li>
        )}
        {jobs.map((job) => {
          const tone = jobStateTone[job.state];
          return (
            <li key={job.jobId}>
              <button
                type="button"
                className="sidebar__item"
                aria-current={view.page === 'job' && view.jobId === job.jobId ? 'true' : undefined}
                onClick={() => showView({ page: 'job', jobId: job.jobId })}
              >
                <span className="sidebar__item-title">{job.fileName}</span>
                <span className="sidebar__item-meta">
                  <span className={`badge${tone ? ` badge--${tone}` : ''}`}>
                    {jobStateLabel[job.state]}
                  </span>{' '}
                  {Math.floor(job.fraction * 100)}%
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <nav className="sidebar__footer" aria-label="App">
        <button
          type="button"
          className="sidebar__item"
          aria-current={isView('connections') ? 'true' : undefined}
          onClick={() => showView({ page: 'connections' })}
        >
          Connections
        </button>
        <button
          type="button"
          className="sidebar__item"
          aria-current={isView('presets') ? 'true' : undefined}
          onClick={() => showView({ page: 'presets' })}
        >
          Presets
        </button>
        <button
          type="button"
          className="sidebar__item"
          aria-current={isView('settings') ? 'true' : undefined}
          onClick={() => showView({ page: 'settings' })}
        >
          Settings
        </button>
      </nav>
    </aside>
  );
}

function ResumeOffer(): React.JSX.Element | null {
  const offer = useRendererState((s) => {
    if (s.dismissedResumeOffer || !s.app) return null;
    const first = s.app.resumableJobIds[0];
    return s.app.jobs.find((j) => j.jobId === first && j.state !== 'running') ?? null;
  });
  if (!offer) return null;
  async function resume(): Promise<void> {
    if (!offer) return;
    try {
      const job = await unwrap(getImporter().resumeImport({ jobId: offer.jobId }));
      applyJob(job);
      showView({ page: 'job', jobId: job.jobId });
    } catch (e) {
      setState((s) => ({ ...s, loadError: messageOf(e) }));
    }
  }
  return (
    <div className="page" style={{ paddingBottom: 0 }}>
      <Notice
        tone="info"
        title="An import did not finish"
        actions={
          <>
            <button
              type="button"
              className="button button--small button--primary"
              onClick={() => void resume()}
            >
              Resume it
            </button>
            <button
              type="button"
              className="button button--small"
              onClick={() => setState((s) => ({ ...s, dismissedResumeOffer: true }))}
            >
              Not now
            </button>
          </>
        }
      >
        <p>
          <strong>{offer.fileName}</strong> stopped at {Math.floor(offer.fraction * 100)}% (
          {jobStateLabel[offer.state].toLowerCase()}). It can carry on exactly where it stopped.
        </p>
      </Notice>
    </div>
  );
}

function Wizard(): React.JSX.Element {
  const step = useRendererState((s) => s.wizard.step);
  return (
    <>
      <ResumeOffer />
      <div className="page" style={{ paddingBottom: 0 }}>
        <Stepper steps={STEPS} current={step} />
      </div>
      {step === 'connect' && <ConnectScreen />}
      {step === 'file' && <ChooseFileScreen />}
      {step === 'map' && <MapColumnsScreen />}
      {step === 'preview' && <PreviewScreen />}
    </>
  );
}

export function App(): React.JSX.Element {
  const view = useRendererState((s) => s.view);
  const loaded = useRendererState((s) => s.app !== null);
  const loadError = useRendererState((s) => s.loadError);

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    void connectToMain().then((unsubscribe) => {
      if (cancelled) unsubscribe();
      else stop = unsubscribe;
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);

  return (
    <div className="app">
      <Sidebar />
      <main className="main" id="main">
        {loadError && (
          <div className="page" style={{ paddingBottom: 0 }}>
            <Notice tone="error" title="Something needs attention">
              <p>{loadError}</p>
            </Notice>
          </div>
        )}
        {!loaded && !loadError && (
          <div className="page">
            <h1>Contact Importer for Crisp</h1>
            <p className="muted">Loading…</p>
          </div>
        )}
        {loaded && view.page === 'wizard' && <Wizard />}
        {loaded && view.page === 'job' && (
          <>
            <div className="page" style={{ paddingBottom: 0 }}>
              <Stepper steps={STEPS} current="import" />
            </div>
            <JobScreen jobId={view.jobId} />
          </>
        )}
        {loaded && view.page === 'connections' && <ConnectScreen standalone />}
        {loaded && view.page === 'presets' && <PresetsScreen />}
        {loaded && view.page === 'settings' && <SettingsScreen />}
      </main>
    </div>
  );
}
