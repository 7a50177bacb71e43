import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportMapping } from '../../src/shared/column-mapping';
import {
  PresetStore,
  PresetStoreError,
  findPresetForHeaders,
  proposeMappingForHeaders,
} from '../../src/main/engine/presets';

const SHOP_HEADERS = [
  'Customer ID',
  'First Name',
  'Last Name',
  'Email',
  'Accepts Email Marketing',
  'Default Address Company',
  'Default Address Address1',
  'Default Address Address2',
  'Default Address City',
  'Default Address Province Code',
  'Default Address Country Code',
  'Default Address Zip',
  'Default Address Phone',
  'Phone',
  'Accepts SMS Marketing',
  'Total Spent',
  'Total Orders',
  'Note',
  'Tax Exempt',
  'Tags',
];

const SHEET_HEADERS = ['Mail', 'Who', 'Club', 'Joined'];

function sheetMapping(): ImportMapping {
  return {
    version: 1,
    columns: [
      { column: 'Mail', index: 0, target: { kind: 'field', field: 'email' } },
      { column: 'Who', index: 1, target: { kind: 'field', field: 'full_name' } },
      { column: 'Club', index: 2, target: { kind: 'data', key: 'club' }, valueType: 'string' },
      { column: 'Joined', index: 3, target: { kind: 'ignore' } },
    ],
    emptyCells: 'keep',
    extraSegments: ['members'],
  };
}

let stateDir: string;
let store: PresetStore;

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'preset-store-'));
  store = new PresetStore(stateDir);
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

async function expectStoreError(
  promise: Promise<unknown>,
  code: string,
): Promise<PresetStoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PresetStoreError);
  expect((error as PresetStoreError).code).toBe(code);
  return error as PresetStoreError;
}

describe('saving, renaming and deleting', () => {
  it('saves a preset as a versioned JSON file and lists it', async () => {
    const saved = await store.save({
      name: 'Club sheet',
      headers: SHEET_HEADERS,
      mapping: sheetMapping(),
    });
    const files = await readdir(join(stateDir, 'presets'));
    expect(files).toEqual([`${saved.id}.json`]);
    const onDisk = JSON.parse(await readFile(join(stateDir, 'presets', files[0]!), 'utf8'));
    expect(onDisk.version).toBe(1);
    expect(onDisk.name).toBe('Club sheet');
    const { presets, unreadable } = await store.list();
    expect(unreadable).toEqual([]);
    expect(presets.map((p) => p.name)).toEqual(['Club sheet']);
    expect(presets[0]!.mapping.extraSegments).toEqual(['members']);
  });

  it('leaves no temporary file behind', async () => {
    const saved = await store.save({ name: 'A', headers: SHEET_HEADERS, mapping: sheetMapping() });
    await store.rename(saved.id, 'B');
    const files = await readdir(join(stateDir, 'presets'));
    expect(files).toEqual([`${saved.id}.json`]);
  });

  it('renames, refusing a name already used by another preset or a built-in one', async () => {
    const a = await store.save({
      name: 'Club sheet',
      headers: SHEET_HEADERS,
      mapping: sheetMapping(),
    });
    await store.save({ name: 'Other', headers: SHEET_HEADERS, mapping: sheetMapping() });
    const renamed = await store.rename(a.id, '  Club   members ');
    expect(renamed.name).toBe('Club members');
    expect((await store.get(a.id)).name).toBe('Club members');
    const taken = await expectStoreError(store.rename(a.id, 'other'), 'name_taken');
    expect(taken.message).toContain('already called');
    await expectStoreError(store.rename(a.id, 'Shopify customers'), 'name_taken');
    await expectStoreError(store.rename(a.id, '   '), 'invalid_name');
  });

  it('deletes a preset; a second delete says it no longer exists', async () => {
    const a = await store.save({
      name: 'Gone soon',
      headers: SHEET_HEADERS,
      mapping: sheetMapping(),
    });
    await store.delete(a.id);
    expect((await store.list()).presets).toEqual([]);
    const error = await expectStoreError(store.delete(a.id), 'not_found');
    expect(error.message).toBe('This preset no longer exists.');
  });

  it('refuses to change or delete a built-in preset', async () => {
    const error = await expectStoreError(store.delete('shopify-customers'), 'read_only');
    expect(error.message).toContain('Make a copy');
    await expectStoreError(store.rename('hubspot-contacts', 'Mine'), 'read_only');
  });

  it('makes an editable copy of a built-in preset, for a file or on its own', async () => {
    const copy = await store.copyBuiltInPreset('shopify-customers', 'My Shopify', SHOP_HEADERS);
    expect(copy.basedOn).toBe('shopify-customers');
    const total = copy.mapping.columns.find((c) => c.column === 'Total Spent')!;
    expect(total.target).toEqual({ kind: 'data', key: 'total_spent' });
    const edited = await store.update(copy.id, {
      ...copy.mapping,
      columns: copy.mapping.columns.map((c) =>
        c.column === 'Total Spent' ? { ...c, target: { kind: 'data', key: 'lifetime_value' } } : c,
      ),
    });
    expect(edited.mapping.columns.find((c) => c.column === 'Total Spent')!.target).toEqual({
      kind: 'data',
      key: 'lifetime_value',
    });
    const bare = await store.copyBuiltInPreset('Google Contacts', 'My Google');
    expect(bare.headers).toContain('E-mail 1 - Value');
    await expectStoreError(store.copyBuiltInPreset('nope', 'X'), 'not_found');
  });
});

describe('export and import', () => {
  it('exports a preset to a file and imports it back under a free name', async () => {
    const a = await store.save({
      name: 'Club sheet',
      headers: SHEET_HEADERS,
      mapping: sheetMapping(),
    });
    const file = join(stateDir, 'club-sheet.preset.json');
    await store.exportToFile(a.id, file);
    const imported = await store.importFromFile(file);
    expect(imported.id).not.toBe(a.id);
    expect(imported.name).toBe('Club sheet (2)');
    expect(imported.mapping).toEqual(a.mapping);
    expect((await store.list()).presets).toHaveLength(2);
  });

  it('imports a preset file from another machine into an empty store', async () => {
    const other = new PresetStore(join(stateDir, 'other-machine'));
    const a = await other.save({
      name: 'Club sheet',
      headers: SHEET_HEADERS,
      mapping: sheetMapping(),
    });
    const file = join(stateDir, 'shared.json');
    await other.exportToFile(a.id, file);
    const imported = await store.importFromFile(file);
    expect(imported.name).toBe('Club sheet');
  });

  it('migrates an unversioned (version 0) preset file', async () => {
    const file = join(stateDir, 'old.json');
    await writeFile(
      file,
      JSON.stringify({ id: 'old-one', name: 'Old sheet', columns: sheetMapping().columns }),
    );
    const imported = await store.importFromFile(file);
    expect(imported.version).toBe(1);
    expect(imported.headers).toEqual(SHEET_HEADERS);
    expect(imported.mapping.emptyCells).toBe('clear');
  });

  it.each([
    ['not JSON', '{"name": "half', 'is not valid JSON'],
    ['a JSON file of something else', '{"hello": "world"}', 'is not a usable preset'],
    [
      'a preset from a newer app',
      JSON.stringify({ version: 9, id: 'x', name: 'Future' }),
      'newer version of Contact Importer',
    ],
    [
      'a preset with a bad target',
      JSON.stringify({
        version: 1,
        id: 'bad',
        name: 'Bad',
        headers: ['A'],
        mapping: {
          version: 1,
          columns: [{ column: 'A', index: 0, target: { kind: 'field', field: 'shoe_size' } }],
        },
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-01T00:00:00.000Z',
      }),
      'mapping.columns.0.target',
    ],
  ])('refuses %s with a plain message', async (_label, content, expected) => {
    const file = join(stateDir, 'bad.json');
    await writeFile(file, content);
    const error = await expectStoreError(store.importFromFile(file), 'invalid_file');
    expect(error.message).toContain('bad.json');
    expect(error.message).toContain(expected);
    expect((await store.list()).presets).toEqual([]);
  });

  it('refuses a file too large to be a preset without reading it all', async () => {
    const file = join(stateDir, 'huge.json');
    await writeFile(file, 'x'.repeat(1024 * 1024 + 1));
    const error = await expectStoreError(store.importFromFile(file), 'invalid_file');
    expect(error.message).toContain('too large');
  });

  it('says plainly when the file to import does not exist', async () => {
    const error = await expectStoreError(
      store.importFromFile(join(stateDir, 'missing.json')),
      'io',
    );
    expect(error.message).toBe('Could not read missing.json: the file or folder does not exist.');
  });
});

describe('a corrupt file in the presets folder', () => {
  it('is reported by name while the good presets still load', async () => {
    await store.save({ name: 'Good', headers: SHEET_HEADERS, mapping: sheetMapping() });
    await writeFile(join(stateDir, 'presets', 'broken.json'), '{ not json');
    const { presets, unreadable } = await store.list();
    expect(presets.map((p) => p.name)).toEqual(['Good']);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]!.file).toBe('broken.json');
    expect(unreadable[0]!.message).toContain('not valid JSON');
  });
});

describe('proposing a mapping for a chosen file', () => {
  it('proposes a saved preset for a second file with the same headers, in any order', async () => {
    await store.save({ name: 'Club sheet', headers: SHEET_HEADERS, mapping: sheetMapping() });
    const { presets } = await store.list();
    const reordered = ['Club', 'Joined', 'Mail', 'Who'];
    const proposal = proposeMappingForHeaders(reordered, presets);
    expect(proposal.origin).toBe('user-preset');
    expect(proposal.presetName).toBe('Club sheet');
    expect(proposal.missingColumns).toEqual([]);
    expect(proposal.message).toContain('"Club sheet" matches this file');
    const email = proposal.mapping.columns.find(
      (c) => c.target.kind === 'field' && c.target.field === 'email',
    )!;
    expect(email).toMatchObject({ column: 'Mail', index: 2 });
    expect(proposal.mapping.emptyCells).toBe('keep');
  });

  it('says which columns of the preset the file is missing', async () => {
    await store.save({ name: 'Club sheet', headers: SHEET_HEADERS, mapping: sheetMapping() });
    const { presets } = await store.list();
    const match = findPresetForHeaders(['Mail', 'Who', 'Joined', 'Notes'], presets);
    expect(match?.preset.name).toBe('Club sheet');
    expect(match?.missingColumns).toEqual(['Club']);
    const proposal = proposeMappingForHeaders(['Mail', 'Who', 'Joined', 'Notes'], presets);
    expect(proposal.message).toContain('this file has no column "Club"');
  });

  it('does not propose a preset that shares too few columns with the file', async () => {
    await store.save({ name: 'Club sheet', headers: SHEET_HEADERS, mapping: sheetMapping() });
    const { presets } = await store.list();
    expect(findPresetForHeaders(['Mail', 'Age', 'Town'], presets)).toBeNull();
  });

  it('a user preset for the same headers wins over the built-in preset', async () => {
    const builtIn = proposeMappingForHeaders(SHOP_HEADERS, []);
    expect(builtIn.origin).toBe('built-in');
    expect(builtIn.message).toContain('This looks like a Shopify customers export.');

    const copy = await store.copyBuiltInPreset('shopify-customers', 'Our shop', SHOP_HEADERS);
    await store.update(copy.id, {
      ...copy.mapping,
      columns: copy.mapping.columns.map((c) =>
        c.column === 'Tags' ? { ...c, target: { kind: 'ignore' } } : c,
      ),
    });
    const { presets } = await store.list();
    const proposal = proposeMappingForHeaders(SHOP_HEADERS, presets);
    expect(proposal.origin).toBe('user-preset');
    expect(proposal.presetName).toBe('Our shop');
    expect(proposal.mapping.columns.find((c) => c.column === 'Tags')!.target).toEqual({
      kind: 'ignore',
    });
  });

  it('falls back to the automatic proposal for a file nobody knows', () => {
    const proposal = proposeMappingForHeaders(['Email', 'Name', 'Town'], []);
    expect(proposal.origin).toBe('automatic');
    expect(proposal.presetName).toBeUndefined();
    const email = proposal.mapping.columns.find(
      (c) => c.target.kind === 'field' && c.target.field === 'email',
    );
    expect(email?.column).toBe('Email');
  });
});
