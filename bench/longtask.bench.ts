/**
 * `npm run bench:longtask`: does the window stay smooth while a big import runs?
 *
 * The built renderer runs in Debian's chromium with `window.importer` over the e2e test transport
 * and the REAL handlers (test backend: importer service, engine worker, real keychain); Crisp is
 * the fake server on loopback. With a PerformanceObserver('longtask') installed before the app's
 * code, it runs the full-file check of the 1,000,000-row bench file, then imports it while the
 * job screen shows the progress, and prints every long task (> 50 ms) the page's main thread had.
 * Floor: no task longer than 100 ms.
 *
 * Options: --seconds <n> how long to watch the import (default 60; the import of a million rows
 * takes far longer on the fake server), --rows <n> (default 1,000,000).
 * Needs a Secret Service for the keychain: run it through `node scripts/run-tests.mjs`'s session or
 * under `dbus-run-session` with gnome-keyring unlocked (see DEVELOPERS.md).
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { startFakeCrisp } from '../src/main/engine/fake-crisp';
import type { CheckOutcome, JobSummary } from '../src/shared/ipc-contract';
import { startImporterTestApp } from '../test/e2e/support/importer-test-app';
import { chooseFile, connectWebsite, continueToFile } from '../test/e2e/support/journey-steps';
import { ensureBenchContactsFile } from './generate-contacts-file';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const SECONDS = option('seconds', 60);
const ROWS = option('rows', 1_000_000);
const FLOOR_MS = 100;

interface LongTask {
  startTime: number;
  duration: number;
  phase: string;
}

const file = await ensureBenchContactsFile(ROWS);
const crisp = await startFakeCrisp({});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const app = await startImporterTestApp(page, { crispApiUrl: crisp.url });
try {
  // The observer is installed before any of the app's code runs.
  await page.addInitScript(() => {
    const state = globalThis as unknown as { longTasks: LongTask[]; phase: string };
    state.longTasks = [];
    state.phase = 'load';
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        state.longTasks.push({
          startTime: entry.startTime,
          duration: entry.duration,
          phase: state.phase,
        });
      }
    }).observe({ type: 'longtask' as 'mark', buffered: true }); // 'longtask' is Chromium's; Node's types lack it
  });
  await app.open();
  await page.waitForLoadState('networkidle');
  // Calibration: a deliberate 150 ms task must be seen, or the figures below mean nothing.
  await page.evaluate(() => {
    (globalThis as unknown as { phase: string }).phase = 'calibration';
    setTimeout(() => {
      const end = performance.now() + 150;
      while (performance.now() < end) {
        // busy on purpose, in a task of the page's own
      }
    }, 0);
  });
  await new Promise((r) => setTimeout(r, 200));
  const calibrated = await page.evaluate(() =>
    (globalThis as unknown as { longTasks: LongTask[] }).longTasks.some(
      (t) => t.phase === 'calibration' && t.duration >= 140,
    ),
  );
  if (!calibrated) throw new Error('The long task observer did not see a 150 ms task.');

  const setPhase = (phase: string): Promise<void> =>
    page.evaluate((p) => {
      (globalThis as unknown as { phase: string }).phase = p;
    }, phase);

  // Through the screens, as a person would: connect, choose the file, map, preview, check.
  await connectWebsite(page, crisp, 'Bench');
  await continueToFile(page);
  await chooseFile(
    page,
    {
      answerOpen: (path) => app.answerDialogs({ open: [path] }),
      answerSave: () => Promise.resolve(),
    },
    file,
  );
  await page.getByRole('button', { name: 'Continue: map columns' }).click();
  await page.getByRole('heading', { level: 1, name: 'Map columns' }).waitFor();
  await page.getByRole('button', { name: 'Continue: preview' }).click();
  await page.getByRole('heading', { level: 1, name: 'Preview' }).waitFor();

  await setPhase('check');
  const checkStarted = Date.now();
  await page.getByRole('button', { name: 'Check the whole file' }).click();
  await page.getByText(/^Checked all /).waitFor({ timeout: 600_000 });
  const checkSeconds = (Date.now() - checkStarted) / 1000;
  const outcome = app.events.find((e) => e.event === 'check:finished')?.payload as
    CheckOutcome | undefined;
  if (!outcome) throw new Error('The check did not finish.');

  await setPhase('import');
  await page.getByRole('button', { name: /^Import [\d,. ]+ contacts$/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Importing' }).waitFor({ timeout: 30_000 });
  const importStarted = Date.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const progressed = app.events.filter((e) => e.event === 'import:progressed');
  const last = progressed.at(-1)?.payload as JobSummary | undefined;
  const importSeconds = (Date.now() - importStarted) / 1000;
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByText('Paused').first().waitFor({ timeout: 30_000 });

  const tasks = await page.evaluate(
    () => (globalThis as unknown as { longTasks: LongTask[] }).longTasks,
  );
  const during = tasks.filter((t) => t.phase === 'check' || t.phase === 'import');
  const longest = during.reduce((max, t) => Math.max(max, t.duration), 0);
  const over = during.filter((t) => t.duration > FLOOR_MS);
  console.log(`bench file: ${file} (${ROWS.toLocaleString('en')} rows)`);
  console.log(
    `full-file check: ${checkSeconds.toFixed(1)} s (${outcome.state}, ${outcome.report?.rows.toLocaleString('en') ?? '?'} rows)`,
  );
  console.log(
    `import watched: ${importSeconds.toFixed(1)} s, ${last?.counters.read.toLocaleString('en') ?? 0} rows sent, ` +
      `${progressed.length} progress events (${(progressed.length / importSeconds).toFixed(1)}/s)`,
  );
  console.log('observer calibrated: a deliberate 150 ms task was seen');
  console.log(`long tasks during the check and the import: ${during.length}`);
  console.log(`longest task: ${longest.toFixed(0)} ms (floor: none over ${FLOOR_MS} ms)`);
  if (during.length > 0) {
    const byPhase = (phase: string): string => {
      const list = during.filter((t) => t.phase === phase).map((t) => t.duration);
      return list.length === 0
        ? 'none'
        : `${list.length}, longest ${Math.max(...list).toFixed(0)} ms`;
    };
    console.log(`  check: ${byPhase('check')}; import: ${byPhase('import')}`);
  }
  console.log(
    over.length === 0 ? 'floor met' : `FLOOR MISSED: ${over.length} tasks over ${FLOOR_MS} ms`,
  );
  process.exitCode = over.length === 0 ? 0 : 1;
} finally {
  await app.close();
  await browser.close();
  await crisp.close();
}
