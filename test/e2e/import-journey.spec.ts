// The whole journey of a first-time user, in real Chromium against the built renderer, with
// `window.importer` built by the real bridge over a test transport to the REAL handlers (test
// backend: importer service, engine worker, real keychain) and a fake Crisp over loopback:
// connect; choose a file; fix a mapping; save a preset; preview with issues; import; the backend
// is killed mid-import and started again; resume and finish with every contact correct; report
// with a failed rows file; a second file with the same headers gets the preset proposed.
// Every screen is screenshotted (test-results/screenshots/) and checked with axe-core.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkScreen } from './support/journey-checks';
import { writeJourneyFile } from './support/journey-files';
import {
  chooseFile,
  connectWebsite,
  continueToFile,
  expectDayPlan,
  expectEveryContactCorrect,
  expectPresetProposed,
  fixMappingAndSavePreset,
  previewAndCheck,
  setDailyBudget,
  startImport,
  waitForReport,
  type DialogAnswers,
} from './support/journey-steps';
import { expect, test } from './support/app-fixture';

const CONTACTS = 120;
const PRESET = 'Monthly shop export';

test('a first-time user imports a file, survives a crash, and gets the preset next time', async ({
  page,
  app,
  crisp,
}, testInfo) => {
  test.setTimeout(240_000);
  const shot = (name: string) => checkScreen(page, testInfo, 'journey', name);
  const dialogs: DialogAnswers = {
    answerOpen: (path) => app.answerDialogs({ open: [path] }),
    answerSave: (path) => app.answerDialogs({ save: [path] }),
  };
  const march = await writeJourneyFile(app.stateDir, 'shop-export-march.csv', CONTACTS, 'march');

  await app.open();
  await expect(page.getByRole('heading', { level: 1, name: 'Connect to Crisp' })).toBeVisible();
  await shot('01-connect');
  await connectWebsite(page, crisp, 'Test shop');
  await continueToFile(page);

  await chooseFile(page, dialogs, march.path);
  await shot('02-choose-file');

  await fixMappingAndSavePreset(page, PRESET);
  await shot('03-map-columns');

  const issuesPath = join(app.stateDir, 'problems.csv');
  await previewAndCheck(page, dialogs, march, issuesPath);
  // A short import: it fits in today's quota, one bar.
  await expectDayPlan(page, /^Day by day/, /(About \d+ minutes?|Less than a minute) left/);
  await expect(page.getByText(/that is less than a day/)).toBeVisible();
  await page.getByRole('figure', { name: /^Day by day/ }).scrollIntoViewIfNeeded();
  await shot('04-preview');
  const issues = await readFile(issuesPath, 'utf8');
  expect(issues).toContain(String(march.invalidRows[0]));
  expect(issues).toContain(String(march.invalidRows[1]));

  // Slow Crisp down so the crash lands mid-import.
  crisp.configure({ rateLimit: { perSecond: 6, status: 429, retryAfter: 'seconds' } });
  await startImport(page, CONTACTS + 1);
  await expect
    .poll(() => crisp.listProfiles().length, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(15);
  await expectDayPlan(
    page,
    /^What is left, day by day/,
    /(About \d+ minutes?|Less than a minute) left/,
  );
  await shot('05-importing');
  expect(crisp.listProfiles().length).toBeLessThan(CONTACTS);

  // The app dies (kill -9) in the middle of the import, then starts again.
  await app.restartBackend('SIGKILL');
  crisp.configure({ rateLimit: null });
  await page.reload();
  await expect(page.getByText('An import did not finish')).toBeVisible();
  await shot('06-resume-offer');
  await page.getByRole('button', { name: 'Resume it' }).click();

  await waitForReport(page);
  await expect(page.getByText('Completed').first()).toBeVisible();
  await shot('07-report');
  expectEveryContactCorrect(crisp, march);
  // Progress reached the page at most 10 times in any second.
  const progressTimes = app.events
    .filter((e) => e.event === 'import:progressed')
    .map((e) => e.receivedAt);
  expect(progressTimes.length).toBeGreaterThan(0);
  const busiest = Math.max(
    ...progressTimes.map((t) => progressTimes.filter((u) => u >= t && u < t + 1000).length),
  );
  expect(busiest).toBeLessThanOrEqual(10);

  // The report: 2 rows not imported, with the failed rows file to open or save.
  await expect(page.getByRole('heading', { name: 'Rows that were not imported' })).toBeVisible();
  await expect(page.getByText('2 rows were not imported.')).toBeVisible();
  await page.getByRole('button', { name: 'Open the failed rows' }).click();
  await expect
    .poll(async () => (await app.backend().desktopLog()).openedPaths)
    .toEqual([expect.stringMatching(/failed-rows\.csv$/)]);
  const savedFailed = join(app.stateDir, 'march-failed-rows.csv');
  await dialogs.answerSave(savedFailed);
  await page.getByRole('button', { name: 'Save the failed rows as…' }).click();
  await expect(page.getByText(`Saved to ${savedFailed}`)).toBeVisible();
  const failed = await readFile(savedFailed, 'utf8');
  expect(failed).toContain('not-an-email');
  expect(failed.split(/\r?\n/)[0]).toContain('reason');

  // Next month: same headers, the preset is proposed.
  const april = await writeJourneyFile(app.stateDir, 'shop-export-april.csv', 10, 'april');
  await expectPresetProposed(page, dialogs, april.path, PRESET);
  await shot('08-preset-proposed');

  // The other screens a person visits.
  await page.getByRole('button', { name: 'Presets' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Presets' })).toBeVisible();
  await expect(page.getByText(PRESET).first()).toBeVisible();
  await shot('09-presets');
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await shot('10-settings');
  await page.getByRole('button', { name: 'Connections' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Crisp connections' })).toBeVisible();
  await shot('11-connections');

  // The dark theme, chosen in Settings (the system's dark mode uses the same colours): the report
  // stays readable, with no contrast problem.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('button', { name: /shop-export-march\.csv/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import report' })).toBeVisible();
  await shot('12-report-dark');
});

test('a long import shows its days, day by day, before it starts and while it waits for the quota', async ({
  page,
  app,
  crisp,
}, testInfo) => {
  test.setTimeout(120_000);
  const shot = (name: string) => checkScreen(page, testInfo, 'long', name);
  const dialogs: DialogAnswers = {
    answerOpen: (path) => app.answerDialogs({ open: [path] }),
    answerSave: (path) => app.answerDialogs({ save: [path] }),
  };
  // 400 contacts at 2 requests each (custom data), 40 requests a day: about three weeks.
  const crm = await writeJourneyFile(app.stateDir, 'crm-export.csv', 400, 'crm');
  await app.open();
  await connectWebsite(page, crisp, 'Big CRM');
  await setDailyBudget(page, 40, 0);
  await page.getByRole('button', { name: 'New import' }).click();
  const toFile = page.getByRole('button', { name: 'Continue: choose a file' });
  if (await toFile.isVisible()) await toFile.click();
  await chooseFile(page, dialogs, crm.path);
  await fixMappingAndSavePreset(page, 'CRM export');
  await page.getByRole('button', { name: 'Continue: preview' }).click();
  await page.getByRole('button', { name: 'Check the whole file' }).click();
  await expect(page.getByText(`Checked all ${crm.rows} rows.`)).toBeVisible({ timeout: 60_000 });
  await expectDayPlan(page, /^Day by day/, /About \d+ days, finishing around/);
  const plan = page.getByRole('figure', { name: /^Day by day/ });
  // Too many days to list: the middle ones are summed up in one row.
  await expect(plan.getByRole('rowheader', { name: /^\d+ more days$/ })).toBeVisible();
  await expect(
    page.getByText(/40 requests a day for Big CRM, that is about \d+ days/),
  ).toBeVisible();
  await plan.scrollIntoViewIfNeeded();
  await shot('04-preview');

  await startImport(page, 401);
  await expect(page.getByText('Waiting for quota').first()).toBeVisible({ timeout: 60_000 });
  await expectDayPlan(
    page,
    /^What is left from the next reset, day by day/,
    /About \d+ days, finishing around/,
  );
  await expect(page.getByText(/when the quota is back: about \d+ days/)).toBeVisible();
  const waiting = page.getByRole('figure', { name: /^What is left/ });
  // Today's quota is spent: today's bar is all "already used".
  await expect(waiting.getByText(/^40 already used, 0 for this import, of 40$/)).toBeAttached();
  await shot('05-waiting-for-quota');

  // The same picture in the dark theme stays readable.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('button', { name: /crm-export\.csv/ }).click();
  await waiting.scrollIntoViewIfNeeded();
  await shot('06-waiting-dark');
});
