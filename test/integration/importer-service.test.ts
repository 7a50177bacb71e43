// The importer service through the real handler layer: real files in a temp folder, the engine
// worker thread for the full-file check, real preset files. What a person sees on each screen.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  CheckOutcome,
  FileInspection,
  FileRef,
  MappingProposal,
  PresetSummary,
  PreviewRows,
} from '../../src/shared/ipc-contract';
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

async function chooseFile(name: string, text: string): Promise<FileRef> {
  const path = join(harness.stateDir, name);
  await writeFile(path, text);
  harness.openAnswers.push(path);
  return valueOf<{ file: FileRef }>(await harness.call('file:choose')).file;
}

const CONTACTS = [
  'E-mail;Vorname;Nachname;Tags',
  'ada@example.com;Ada;Lovelace;vip|beta',
  'not-an-email;Bob;Builder;',
  'grace@example.com;Grace;Hopper;beta',
  'ada@example.com;Ada;L.;',
].join('\n');

describe('choose, inspect, map and preview a file', () => {
  it('detects the separator and header, and the preview follows an override', async () => {
    const file = await chooseFile('kunden.csv', CONTACTS);
    const detected = valueOf<FileInspection>(
      await harness.call('file:inspect', { fileId: file.fileId }),
    );
    expect(detected.format.delimiter).toBe(';');
    expect(detected.format.header).toBe(true);
    expect(detected.columns).toEqual(['E-mail', 'Vorname', 'Nachname', 'Tags']);
    expect(detected.records[0]).toEqual({
      row: 2,
      cells: ['ada@example.com', 'Ada', 'Lovelace', 'vip|beta'],
    });
    const overridden = valueOf<FileInspection>(
      await harness.call('file:inspect', { fileId: file.fileId, overrides: { delimiter: ',' } }),
    );
    expect(overridden.format.delimiter).toBe(',');
    expect(overridden.detected.delimiter).toBe(';');
    expect(overridden.columns).toHaveLength(1);
  });

  it('proposes a mapping with samples, and previews the rows exactly as they will be sent', async () => {
    const file = await chooseFile('kunden.csv', CONTACTS);
    const proposal = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: file.fileId }),
    );
    const targets = proposal.mapping.columns.map((c) => c.target);
    expect(targets[0]).toEqual({ kind: 'field', field: 'email' });
    expect(targets[1]).toEqual({ kind: 'field', field: 'first_name' });
    expect(proposal.columns[0]?.samples).toContain('ada@example.com');
    expect(proposal.proposedPreset).toBeNull();

    const preview = valueOf<PreviewRows>(
      await harness.call('preview:rows', { fileId: file.fileId, mapping: proposal.mapping }),
    );
    const [ada, bob] = preview.rows;
    expect(ada?.contact?.email).toBe('ada@example.com');
    expect(ada?.contact?.nickname).toBe('Ada Lovelace');
    expect(ada?.contact?.segments).toEqual(['vip', 'beta']);
    expect(bob?.contact).toBeNull();
    expect(bob?.issues.some((i) => i.severity === 'error' && i.row === 3)).toBe(true);
  });

  it('proposes mappings with the empty-cell choice of the settings', async () => {
    const file = await chooseFile('keep.csv', CONTACTS);
    const before = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: file.fileId }),
    );
    expect(before.mapping.emptyCells).toBe('clear');
    await harness.call('settings:update', { emptyCells: 'keep' });
    const after = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: file.fileId }),
    );
    expect(after.mapping.emptyCells).toBe('keep');
    await harness.call('settings:update', { emptyCells: 'clear' });
  });

  it('says the email column is required, and offers a fixed-up custom data key', async () => {
    const answer = valueOf<{
      ok: boolean;
      problems: Array<{ code: string; suggestedKey: string | null }>;
    }>(
      await harness.call('mapping:validate', {
        columns: ['Name', 'Company Name'],
        mapping: {
          version: 1,
          columns: [
            { column: 'Name', index: 0, target: { kind: 'field', field: 'full_name' } },
            { column: 'Company Name', index: 1, target: { kind: 'data', key: 'Company Name' } },
          ],
          emptyCells: 'clear',
          extraSegments: [],
        },
      }),
    );
    expect(answer.ok).toBe(false);
    expect(answer.problems.map((p) => p.code)).toContain('mapping_no_email');
    expect(answer.problems.find((p) => p.code === 'data_key_invalid')?.suggestedKey).toBe(
      'company_name',
    );
  });
});

describe('presets', () => {
  it('proposes a saved preset for the next file with the same headers', async () => {
    const first = await chooseFile('march.csv', CONTACTS);
    const proposal = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: first.fileId }),
    );
    const saved = valueOf<PresetSummary>(
      await harness.call('presets:save', {
        name: 'Shop export',
        columns: proposal.columns.map((c) => c.name),
        mapping: proposal.mapping,
      }),
    );
    expect(harness.events.some((e) => e.event === 'presets:changed')).toBe(true);
    const second = await chooseFile('april.csv', CONTACTS.replace('Tags', 'Tags'));
    const next = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: second.fileId }),
    );
    expect(next.proposedPreset?.preset.presetId).toBe(saved.presetId);
    expect(next.proposedPreset?.missingColumns).toEqual([]);

    const renamed = valueOf<PresetSummary>(
      await harness.call('presets:rename', { presetId: saved.presetId, name: 'Shop (monthly)' }),
    );
    expect(renamed.name).toBe('Shop (monthly)');
    const exportPath = join(harness.stateDir, 'shop-preset.json');
    harness.saveAnswers.push(exportPath);
    expect(
      valueOf<{ savedTo: string }>(
        await harness.call('presets:export', { presetId: saved.presetId }),
      ).savedTo,
    ).toBe(exportPath);
    const list = valueOf<{ presets: PresetSummary[] }>(
      await harness.call('presets:remove', { presetId: saved.presetId }),
    );
    expect(list.presets).toHaveLength(0);
    harness.openAnswers.push(exportPath);
    const imported = valueOf<{ preset: PresetSummary }>(await harness.call('presets:import'));
    expect(imported.preset.name).toBe('Shop (monthly)');
  });

  it('names the columns a proposed preset misses in the new file', async () => {
    const first = await chooseFile('a.csv', 'email,first,last,plan\nx@example.com,X,Y,pro\n');
    const proposal = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: first.fileId }),
    );
    const mapping = {
      ...proposal.mapping,
      columns: proposal.mapping.columns.map((c) =>
        c.column === 'plan' ? { ...c, target: { kind: 'data' as const, key: 'plan' } } : c,
      ),
    };
    await harness.call('presets:save', {
      name: 'CRM',
      columns: ['email', 'first', 'last', 'plan'],
      mapping,
    });
    const second = await chooseFile('b.csv', 'email,first,last\nz@example.com,Z,W\n');
    const next = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: second.fileId }),
    );
    expect(next.proposedPreset?.missingColumns).toEqual(['plan']);
  });
});

describe('full-file check', () => {
  it('runs in the worker, groups issues with counts and rows, estimates requests, exports a CSV', async () => {
    const file = await chooseFile('kunden.csv', CONTACTS);
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
    expect(outcome.state).toBe('completed');
    const report = outcome.report!;
    expect(report.rows).toBe(4);
    expect(report.valid).toBe(3);
    expect(report.invalid).toBe(1);
    expect(report.duplicateEmails).toBe(1);
    const emailGroup = report.issueGroups.find((g) => g.severity === 'error');
    expect(emailGroup?.rows).toEqual([3]);
    expect(report.estimate.requests).toBeGreaterThanOrEqual(3);
    expect(report.estimate.days).toBe(1);

    const to = join(harness.stateDir, 'issues-export.csv');
    harness.saveAnswers.push(to);
    const saved = valueOf<{ savedTo: string }>(
      await harness.call('check:exportIssues', { checkId }),
    );
    expect(saved.savedTo).toBe(to);
    const csv = await readFile(to, 'utf8');
    expect(csv.split(/\r?\n/)[0]).toBe('row,column,severity,code,message');
    expect(csv).toContain('3,');
  });
});

describe('stopping a check, built-in presets', () => {
  it('stops a running check when asked, and says so', async () => {
    const lines = ['email,name'];
    for (let i = 0; i < 300_000; i++) lines.push(`person${i}@example.com,Person ${i}`);
    const file = await chooseFile('big.csv', lines.join('\n'));
    const proposal = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: file.fileId }),
    );
    const { checkId } = valueOf<{ checkId: string }>(
      await harness.call('check:start', { fileId: file.fileId, mapping: proposal.mapping }),
    );
    valueOf(await harness.call('check:cancel', { checkId }));
    const outcome = await waitForEvent<CheckOutcome>(
      'check:finished',
      (p) => p.checkId === checkId,
    );
    expect(outcome.state).toBe('cancelled');
    expect(outcome.report).toBeNull();
    const status = valueOf<{ state: string }>(await harness.call('check:get', { checkId }));
    expect(status.state).toBe('cancelled');
  });

  it('copies a built-in preset into an editable one', async () => {
    const list = valueOf<{ builtIn: PresetSummary[]; presets: PresetSummary[] }>(
      await harness.call('presets:list'),
    );
    expect(list.builtIn.length).toBeGreaterThan(0);
    const source = list.builtIn[0]!;
    const copy = valueOf<PresetSummary>(
      await harness.call('presets:copyBuiltIn', { presetId: source.presetId }),
    );
    expect(copy.builtIn).toBe(false);
    expect(copy.name).toContain(source.name);
    const again = valueOf<PresetSummary>(
      await harness.call('presets:copyBuiltIn', { presetId: source.presetId }),
    );
    expect(again.name).not.toBe(copy.name);
  });
});

async function waitForEvent<T>(
  name: string,
  match: (payload: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = harness.events.find((e) => e.event === name && match(e.payload as T));
    if (found) return found.payload as T;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${name} event within ${timeoutMs} ms`);
}
