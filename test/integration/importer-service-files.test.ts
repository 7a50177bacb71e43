// The desktop app's choose-file step and import with files as staff have them (issue 10), through
// the real handler layer: the header row detected under title lines and chosen by the person,
// kept in a preset; an encoding the full-file check finds late, then used by the preview and the
// import (the engine worker, a fake Crisp over loopback).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  CheckOutcome,
  FileInspection,
  FileRef,
  JobDetail,
  JobStateChange,
  JobSummary,
  MappingProposal,
  PresetSummary,
} from '../../src/shared/ipc-contract';
import { rememberConnection, updateAppSettings } from '../../src/main/engine/app-settings';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { startIpcHarness, type IpcHarness } from './ipc-support';

let harness: IpcHarness;
beforeEach(async () => {
  harness = await startIpcHarness();
});
afterEach(async () => {
  await harness.close();
});

function valueOf<T>(answer: unknown): T {
  const result = answer as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value as T;
}

async function chooseFile(name: string, content: string | Buffer): Promise<FileRef> {
  const path = join(harness.stateDir, name);
  await writeFile(path, content);
  harness.openAnswers.push(path);
  return valueOf<{ file: FileRef }>(await harness.call('file:choose')).file;
}

async function waitForEvent<T>(name: string, match: (payload: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const found = harness.events.find((e) => e.event === name && match(e.payload as T));
    if (found) return found.payload as T;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${name} event within 30 s`);
}

const REPORT = [
  'Contacts report;;',
  'Generated 2024-01-05;;',
  ';;',
  'E-mail;Vorname;Nachname',
  'ada@example.com;Ada;Lovelace',
  'grace@example.com;Grace;Hopper',
  'Total;;2',
  '',
].join('\r\n');

describe('choose file: the row of the column names', () => {
  it('is detected under title lines, can be chosen, and is kept in a preset', async () => {
    const file = await chooseFile('report.csv', REPORT);
    const detected = valueOf<FileInspection>(
      await harness.call('file:inspect', { fileId: file.fileId }),
    );
    expect(detected.format).toMatchObject({ delimiter: ';', header: true, headerRow: 4 });
    expect(detected.columns).toEqual(['E-mail', 'Vorname', 'Nachname']);
    expect(detected.records.map((r) => r.row)).toEqual([5, 6]);
    expect(detected.notice).toMatch(/column names are on row 4 \(detected\); rows 1–3/);

    const chosen = valueOf<FileInspection>(
      await harness.call('file:inspect', { fileId: file.fileId, overrides: { headerRow: 2 } }),
    );
    expect(chosen.format.headerRow).toBe(2);
    expect(chosen.detected.headerRow).toBe(4);
    expect(chosen.columns[0]).toBe('Generated 2024-01-05');

    const refused = (await harness.call('file:inspect', {
      fileId: file.fileId,
      overrides: { headerRow: 3 },
    })) as { ok: false; error: { code: string; message: string } };
    expect(refused.ok).toBe(false);
    expect(refused.error.message).toMatch(/Row 3 of the file is empty/);

    const proposal = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: file.fileId }),
    );
    const saved = valueOf<PresetSummary>(
      await harness.call('presets:save', {
        name: 'Monthly report',
        columns: detected.columns,
        mapping: proposal.mapping,
        format: { headerRow: 4 },
      }),
    );
    expect(saved.format).toEqual({ headerRow: 4 });
    const listed = valueOf<{ presets: PresetSummary[] }>(await harness.call('presets:list'));
    expect(listed.presets.find((p) => p.presetId === saved.presetId)?.format).toEqual({
      headerRow: 4,
    });
  });
});

describe('an encoding the full-file check finds late', () => {
  let crisp: FakeCrisp;
  beforeEach(async () => {
    crisp = await startFakeCrisp({});
    await updateAppSettings(harness.stateDir, (s) =>
      rememberConnection(s, { websiteId: crisp.websiteId, tier: 'website', apiUrl: crisp.url }),
    );
    valueOf(
      await harness.call('connections:save', {
        websiteId: crisp.websiteId,
        identifier: crisp.token.identifier,
        key: crisp.token.key,
        tokenKind: 'website',
        label: 'Test shop',
      }),
    );
  });
  afterEach(async () => {
    await crisp.close();
  });

  it('is shown after the check, read by the preview and recorded in the import', async () => {
    const note = 'n'.repeat(200);
    const ascii = Array.from({ length: 320 }, (_, i) => `user${i}@example.com,User,${i},${note}`);
    const file = await chooseFile(
      'late.csv',
      Buffer.concat([
        Buffer.from(['email,first_name,last_name,notes', ...ascii, ''].join('\n')),
        iconv.encode('helene@example.com,Hélène,Dupré,\n', 'windows-1252'),
      ]),
    );
    const before = valueOf<FileInspection>(
      await harness.call('file:inspect', { fileId: file.fileId }),
    );
    expect(before.format.encoding).toBe('utf-8');
    const proposal = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: file.fileId }),
    );
    const { checkId } = valueOf<{ checkId: string }>(
      await harness.call('check:start', { fileId: file.fileId, mapping: proposal.mapping }),
    );
    const outcome = await waitForEvent<CheckOutcome>(
      'check:finished',
      (p) => p.checkId === checkId,
    );
    expect(outcome.report).toMatchObject({
      rows: 321,
      valid: 321,
      invalid: 0,
      encoding: 'windows-1252',
      encodingSwitch: { encoding: 'windows-1252', row: 322 },
    });
    expect(outcome.report!.notes[0]).toMatch(/^Encoding: Windows-1252 .*from row 322 on/);

    const after = valueOf<FileInspection>(
      await harness.call('file:inspect', { fileId: file.fileId }),
    );
    expect(after.format.encoding).toBe('windows-1252');
    expect(after.detected.encoding).toBe('windows-1252');
    expect(after.notice).toMatch(/found by reading the whole file/);

    const started = valueOf<JobSummary>(
      await harness.call('import:start', {
        fileId: file.fileId,
        mapping: proposal.mapping,
        connectionId: crisp.websiteId,
      }),
    );
    await waitForEvent<JobStateChange>(
      'import:stateChanged',
      (p) => p.job.jobId === started.jobId && p.job.state === 'completed',
    );
    const detail = valueOf<JobDetail>(await harness.call('jobs:get', { jobId: started.jobId }));
    expect(detail.format.encoding).toBe('windows-1252');
    expect(detail.report).toMatchObject({ created: 321, failed: 0, skipped: 0 });
    expect(crisp.getProfile('helene@example.com')?.person.nickname).toBe('Hélène Dupré');
  }, 60_000);
});
