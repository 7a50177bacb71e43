// The renderer's state: the main process's truth (AppState, refreshed by pushed events) plus what
// the person is doing in the wizard. A tiny external store read with useSyncExternalStore.
import { useSyncExternalStore } from 'react';
import type {
  AppState,
  CheckStatus,
  CsvFormatOverrides,
  FileInspection,
  FileRef,
  JobSummary,
  MappingProposal,
} from '../../../shared/ipc-contract';
import type { ImportMapping } from '../../../shared/column-mapping';
import { getImporter, messageOf, unwrap } from './importer';

export type WizardStep = 'connect' | 'file' | 'map' | 'preview';

export type View =
  | { page: 'wizard' }
  | { page: 'job'; jobId: string }
  | { page: 'connections' }
  | { page: 'presets' }
  | { page: 'settings' };

export interface WizardState {
  step: WizardStep;
  connectionId: string | null;
  file: FileRef | null;
  overrides: CsvFormatOverrides;
  inspection: FileInspection | null;
  proposal: MappingProposal | null;
  mapping: ImportMapping | null;
  /** The preset the mapping came from, if any. */
  presetId: string | null;
  checkId: string | null;
}

export interface RendererState {
  app: AppState | null;
  loadError: string | null;
  view: View;
  wizard: WizardState;
  /** Latest status of each check of this session, by id. */
  checks: Record<string, CheckStatus>;
  /** Jobs that resumable-at-start banner was dismissed for. */
  dismissedResumeOffer: boolean;
}

export const emptyWizard: WizardState = {
  step: 'connect',
  connectionId: null,
  file: null,
  overrides: {},
  inspection: null,
  proposal: null,
  mapping: null,
  presetId: null,
  checkId: null,
};

/**
 * Empty lists for selectors: a selector must return the same value for the same state, or
 * useSyncExternalStore re-renders forever, so never `?? []` in a selector.
 */
export const NO_ITEMS: readonly never[] = Object.freeze([]);

let state: RendererState = {
  app: null,
  loadError: null,
  view: { page: 'wizard' },
  wizard: emptyWizard,
  checks: {},
  dismissedResumeOffer: false,
};
const listeners = new Set<() => void>();

export function getState(): RendererState {
  return state;
}

export function setState(update: (current: RendererState) => RendererState): void {
  state = update(state);
  for (const listener of listeners) listener();
}

export function useRendererState<T>(select: (s: RendererState) => T): T {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => select(state),
  );
}

export function updateWizard(patch: Partial<WizardState>): void {
  setState((s) => ({ ...s, wizard: { ...s.wizard, ...patch } }));
}

export function showView(view: View): void {
  setState((s) => ({ ...s, view }));
}

/** Replaces (or adds) a job in the list, newest first. */
function withJob(app: AppState, job: JobSummary): AppState {
  const others = app.jobs.filter((j) => j.jobId !== job.jobId);
  const jobs = [job, ...others].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const resumable = jobs.filter((j) => j.resumable).map((j) => j.jobId);
  const running = jobs.find((j) => j.state === 'running');
  return { ...app, jobs, resumableJobIds: resumable, activeJobId: running?.jobId ?? null };
}

export function applyJob(job: JobSummary): void {
  setState((s) => (s.app ? { ...s, app: withJob(s.app, job) } : s));
}

export function applyTheme(theme: AppState['settings']['theme']): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/** Loads the whole state from main (at start and after a reload) and follows its events. */
export async function connectToMain(): Promise<() => void> {
  const api = getImporter();
  const unsubscribers = [
    api.onImportProgressed((job) => applyJob(job)),
    api.onImportStateChanged((change) => applyJob(change.job)),
    api.onCheckProgressed((progress) =>
      setState((s) => {
        const current = s.checks[progress.checkId];
        if (!current || current.state !== 'running') return s;
        return { ...s, checks: { ...s.checks, [progress.checkId]: { ...current, progress } } };
      }),
    ),
    api.onCheckFinished((outcome) => {
      setState((s) => {
        const current = s.checks[outcome.checkId];
        if (!current) return s;
        return {
          ...s,
          checks: {
            ...s.checks,
            [outcome.checkId]: {
              ...current,
              state: outcome.state,
              report: outcome.report,
              error: outcome.error,
            },
          },
        };
      });
      // The check found the file's real encoding further on: what the wizard shows follows.
      if (outcome.report?.encodingSwitch) void refreshInspection(outcome.fileId);
    }),
    api.onConnectionsChanged((connections) =>
      setState((s) => (s.app ? { ...s, app: { ...s.app, connections } } : s)),
    ),
    api.onPresetsChanged((presets) =>
      setState((s) => (s.app ? { ...s, app: { ...s.app, presets } } : s)),
    ),
    api.onSettingsChanged((settings) => {
      applyTheme(settings.theme);
      setState((s) => (s.app ? { ...s, app: { ...s.app, settings } } : s));
    }),
    api.onThemeChanged(({ darkMode }) =>
      setState((s) => (s.app ? { ...s, app: { ...s.app, darkMode } } : s)),
    ),
    api.onMenuCommand(({ command }) => {
      if (command === 'new-import') startNewImport();
      else if (command === 'show-settings') showView({ page: 'settings' });
      else if (command === 'show-presets') showView({ page: 'presets' });
      else if (command === 'show-connections') showView({ page: 'connections' });
      else showView({ page: 'wizard' });
    }),
    api.onFileOpened((file) => {
      startNewImport();
      void takeFile(file);
    }),
  ];
  try {
    const app = await unwrap(api.getAppState());
    applyTheme(app.settings.theme);
    const checks: Record<string, CheckStatus> = {};
    for (const check of app.checks) checks[check.checkId] = check;
    setState((s) => ({
      ...s,
      app,
      loadError: null,
      checks: { ...checks, ...s.checks },
      wizard: {
        ...s.wizard,
        connectionId: s.wizard.connectionId ?? app.connections.defaultConnectionId,
        step:
          s.wizard.step === 'connect' && app.connections.connections.length > 0
            ? 'file'
            : s.wizard.step,
      },
      view:
        s.view.page === 'wizard' && app.activeJobId
          ? { page: 'job', jobId: app.activeJobId }
          : s.view,
    }));
  } catch (error) {
    setState((s) => ({ ...s, loadError: messageOf(error) }));
  }
  return () => unsubscribers.forEach((stop) => stop());
}

export function startNewImport(): void {
  setState((s) => ({
    ...s,
    view: { page: 'wizard' },
    wizard: {
      ...emptyWizard,
      connectionId: s.wizard.connectionId ?? s.app?.connections.defaultConnectionId ?? null,
      step: (s.app?.connections.connections.length ?? 0) > 0 ? 'file' : 'connect',
    },
  }));
}

/** Inspects the wizard's file again (with its overrides), when it is still the one shown. */
async function refreshInspection(fileId: string): Promise<void> {
  const { file, overrides } = state.wizard;
  if (file?.fileId !== fileId) return;
  const inspection = await getImporter().inspectFile({ fileId, overrides });
  if (inspection.ok && state.wizard.file?.fileId === fileId) {
    updateWizard({ inspection: inspection.value });
  }
}

/** Takes a chosen or dropped file into the wizard: inspect it, then propose a mapping. */
export async function takeFile(file: FileRef): Promise<void> {
  updateWizard({
    file,
    overrides: {},
    inspection: null,
    proposal: null,
    mapping: null,
    presetId: null,
    checkId: null,
    step: 'file',
  });
  const api = getImporter();
  const inspection = await unwrap(api.inspectFile({ fileId: file.fileId }));
  updateWizard({ inspection });
}
