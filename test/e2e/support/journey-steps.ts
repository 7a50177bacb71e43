// The steps of the end-to-end journey, driven through the page the way a person would: by
// accessible roles and labels only. Shared by the browser journey (test transport) and the
// Electron journey (the real app), which differ only in how native dialogs are answered.
import { expect, type Page } from '@playwright/test';
import type { FakeCrisp } from '../../../src/main/engine/fake-crisp';
import type { JourneyFile } from './journey-files';

export interface DialogAnswers {
  /** The next native open dialog answers this path. */
  answerOpen(path: string): Promise<void>;
  /** The next native save dialog answers this path. */
  answerSave(path: string): Promise<void>;
}

export const LONG = { timeout: 60_000 };

export async function connectWebsite(page: Page, crisp: FakeCrisp, label: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Connect to Crisp' })).toBeVisible();
  const websiteId = page.getByLabel('Website id');
  if (!(await websiteId.isVisible())) {
    await page.getByRole('button', { name: 'Add a Crisp website' }).click();
  }
  await websiteId.fill(crisp.websiteId);
  await page.getByLabel('Name (optional)').fill(label);
  await page.getByLabel('Token identifier').fill(crisp.token.identifier);
  await page.getByLabel('Token key').fill(crisp.token.key);
  await page.getByRole('radio', { name: /Website token/ }).check();
  await page.getByRole('button', { name: 'Save website' }).click();
  await expect(page.getByRole('radio', { name: new RegExp(label) })).toBeChecked();
  // The key never shows on screen.
  await expect(page.locator('body')).not.toContainText(crisp.token.key);
}

export async function continueToFile(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Continue: choose a file' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Choose a file' })).toBeVisible();
}

export async function chooseFile(page: Page, dialogs: DialogAnswers, path: string): Promise<void> {
  await dialogs.answerOpen(path);
  await page.getByRole('button', { name: 'Choose a file…' }).click();
  await expect(page.getByRole('heading', { name: 'How the file is read' })).toBeVisible();
  // Detected and shown: comma separator, header row.
  await expect(page.getByLabel('Separator')).toHaveValue(',');
  await expect(page.getByRole('checkbox', { name: /Skip header/ })).toBeChecked();
}

/** Maps "Loyalty Tier" to custom data, fixes the key Crisp would refuse, saves a preset. */
export async function fixMappingAndSavePreset(page: Page, presetName: string): Promise<void> {
  await page.getByRole('button', { name: 'Continue: map columns' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Map columns' })).toBeVisible();
  // Proposed from the headers.
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('field:email');
  const tier = page.getByLabel('Loyalty Tier', { exact: true });
  await tier.selectOption('data');
  const key = page.getByLabel('Custom data key');
  await key.fill('Loyalty Tier');
  await page.getByRole('button', { name: 'Use “loyalty_tier”' }).first().click();
  await expect(key).toHaveValue('loyalty_tier');
  await page.getByLabel('Preset name').fill(presetName);
  await page.getByRole('button', { name: 'Save preset' }).click();
  await expect(page.getByText(`Saved as preset “${presetName}”`)).toBeVisible();
}

export async function previewAndCheck(
  page: Page,
  dialogs: DialogAnswers,
  file: JourneyFile,
  issuesPath: string,
): Promise<void> {
  await page.getByRole('button', { name: 'Continue: preview' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Preview' })).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'First rows as they will be sent' }),
  ).toBeVisible();
  const first = file.contacts[0]!;
  await expect(page.getByText(first.email).first()).toBeVisible();
  await page.getByRole('button', { name: 'Check the whole file' }).click();
  await expect(page.getByText(`Checked all ${file.rows} rows.`)).toBeVisible(LONG);
  await expect(page.getByRole('heading', { name: 'Problems found' })).toBeVisible();
  await dialogs.answerSave(issuesPath);
  await page.getByRole('button', { name: 'Download the problems as CSV' }).click();
  await expect(page.getByText(`Saved to ${issuesPath}`)).toBeVisible();
}

export async function startImport(page: Page, validRows: number): Promise<void> {
  await page.getByRole('button', { name: `Import ${validRows} contacts` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Importing' })).toBeVisible();
}

export async function waitForReport(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Import report' })).toBeVisible({
    timeout: 120_000,
  });
}

/** Every valid contact of the file is in Crisp, exactly once, with the right values. */
export function expectEveryContactCorrect(crisp: FakeCrisp, file: JourneyFile): void {
  const profiles = crisp.listProfiles().filter((p) => p.email.endsWith('@shop.example'));
  expect(profiles).toHaveLength(file.contacts.length);
  for (const contact of file.contacts) {
    const profile = crisp.getProfile(contact.email);
    expect(profile, contact.email).toBeDefined();
    expect(profile?.person.nickname, contact.email).toBe(`${contact.first} ${contact.last}`);
    expect(profile?.data.loyalty_tier, contact.email).toBe(contact.tier);
    for (const tag of contact.tags) expect(profile?.segments, contact.email).toContain(tag);
  }
  // The repeated row (same email in capitals) updated the first contact: segment added.
  expect(crisp.getProfile(file.contacts[0]!.email)?.segments).toContain('vip');
}

export async function expectPresetProposed(
  page: Page,
  dialogs: DialogAnswers,
  path: string,
  presetName: string,
): Promise<void> {
  await page.getByRole('button', { name: 'Start another import' }).click();
  const toFile = page.getByRole('button', { name: 'Continue: choose a file' });
  if (await toFile.isVisible()) await toFile.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Choose a file' })).toBeVisible();
  await dialogs.answerOpen(path);
  await page.getByRole('button', { name: 'Choose a file…' }).click();
  await expect(page.getByRole('heading', { name: 'How the file is read' })).toBeVisible();
  await page.getByRole('button', { name: 'Continue: map columns' }).click();
  await expect(page.getByText(`Your preset “${presetName}” fits this file.`)).toBeVisible();
  await expect(page.getByLabel('Custom data key')).toHaveValue('loyalty_tier');
}

/**
 * The day plan is drawn, with its text: a figure named by its caption, a table with a row for
 * today and the figures of each day.
 */
export async function expectDayPlan(page: Page, title: RegExp, sentence: RegExp): Promise<void> {
  const figure = page.getByRole('figure', { name: title });
  await expect(figure).toBeVisible(LONG);
  await expect(figure).toHaveAccessibleName(sentence);
  const table = figure.getByRole('table');
  await expect(table.getByRole('columnheader', { name: 'Requests', exact: true })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Contacts', exact: true })).toBeVisible();
  await expect(table.getByRole('rowheader').first()).toHaveText('Today');
  // Every bar has its words (the bars themselves are hidden from assistive technology).
  await expect(table.getByText(/for this import, of \d/).first()).toBeAttached();
}

/** Sets the website's daily budget in Settings (a small one makes a long import). */
export async function setDailyBudget(page: Page, perDay: number, reserve: number): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await page.getByLabel('Requests a day').fill(String(perDay));
  await page.getByLabel('Left for other tools').fill(String(reserve));
  await page.getByRole('button', { name: 'Save budget' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
}
