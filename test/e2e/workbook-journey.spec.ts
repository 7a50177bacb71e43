// The journey once with an Excel workbook, in real Chromium against the built renderer and the
// real handlers (see import-journey.spec.ts): the workbook's contacts sheet is found (not its
// first sheet), its title line skipped; mapping, preset, full check, import and report follow as
// for CSV, and the failed rows come back as a CSV. The choose-file screenshot is the README's.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkScreen } from './support/journey-checks';
import { writeJourneyWorkbook } from './support/journey-files';
import {
  connectWebsite,
  continueToFile,
  expectEveryContactCorrect,
  fixMappingAndSavePreset,
  previewAndCheck,
  startImport,
  waitForReport,
  type DialogAnswers,
} from './support/journey-steps';
import { expect, test } from './support/app-fixture';

const CONTACTS = 60;

test('a person imports an Excel workbook as it is: the contacts sheet, its title line skipped', async ({
  page,
  app,
  crisp,
}, testInfo) => {
  test.setTimeout(180_000);
  const shot = (name: string) => checkScreen(page, testInfo, 'workbook', name);
  const dialogs: DialogAnswers = {
    answerOpen: (path) => app.answerDialogs({ open: [path] }),
    answerSave: (path) => app.answerDialogs({ save: [path] }),
  };
  const march = await writeJourneyWorkbook(
    app.stateDir,
    'shop-contacts-march.xlsx',
    CONTACTS,
    'march',
  );

  await app.open();
  await connectWebsite(page, crisp, 'Test shop');
  await continueToFile(page);

  await dialogs.answerOpen(march.path);
  await page.getByRole('button', { name: 'Choose a file…' }).click();
  await expect(page.getByRole('heading', { name: 'How the file is read' })).toBeVisible();
  const sheet = page.getByLabel('Sheet');
  await expect(sheet).toHaveValue('Contacts');
  await expect(sheet.getByRole('option')).toHaveText(['1. Summary', '2. Contacts (holds emails)']);
  await expect(page.getByLabel('Separator')).toHaveCount(0);
  await expect(page.getByLabel('On row')).toHaveValue('2');
  await expect(
    page.getByText(/Sheet: “Contacts” \(the first that holds email addresses/),
  ).toBeVisible();
  await expect(page.getByRole('cell', { name: march.contacts[0]!.email })).toBeVisible();
  await shot('02-choose-file');

  // The other sheet can be chosen, and back.
  await sheet.selectOption('Summary');
  await expect(page.getByText(/Sheet: “Summary” \(your choice/)).toBeVisible();
  await sheet.selectOption('Contacts');
  await expect(page.getByRole('cell', { name: march.contacts[0]!.email })).toBeVisible();

  await fixMappingAndSavePreset(page, 'Shop workbook');
  const issuesPath = join(app.stateDir, 'problems.csv');
  await previewAndCheck(page, dialogs, march, issuesPath);
  const issues = await readFile(issuesPath, 'utf8');
  expect(issues).toContain(String(march.invalidRows[0]));

  await startImport(page, CONTACTS + 1);
  await waitForReport(page);
  await expect(page.getByText('Completed').first()).toBeVisible();
  expectEveryContactCorrect(crisp, march);
  await expect(page.getByText('2 rows were not imported.')).toBeVisible();
  const savedFailed = join(app.stateDir, 'march-failed-rows.csv');
  await dialogs.answerSave(savedFailed);
  await page.getByRole('button', { name: 'Save the failed rows as…' }).click();
  await expect(page.getByText(`Saved to ${savedFailed}`)).toBeVisible();
  const failed = await readFile(savedFailed, 'utf8');
  expect(failed.startsWith('\ufeff')).toBe(true);
  expect(failed.split(/\r?\n/)[0]).toBe(
    `\ufeff${['Email', 'First Name', 'Last Name', 'Company', 'Country', 'Tags', 'Loyalty Tier', 'row', 'outcome', 'reason'].join(',')}`,
  );
  expect(failed).toContain(
    `not-an-email,Broken,Row,Nowhere Ltd,FR,customer,gold,${march.invalidRows[0]},skipped,`,
  );
});
