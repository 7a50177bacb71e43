import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { ImportMapping, type ColumnMapping } from '../../src/shared/column-mapping';
import {
  BUILT_IN_PRESETS,
  findBuiltInPreset,
  headerKey,
  mappingFromSourcePreset,
  recognizeSourceExport,
} from '../../src/shared/source-presets';
import { NEAR_MISSES, SAMPLE_EXPORTS } from './source-presets-samples';

function parseCsv(csv: string, delimiter?: string): { headers: string[]; rows: string[][] } {
  const parsed = Papa.parse<string[]>(csv, { delimiter: delimiter ?? ',', skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  const [headers, ...rows] = parsed.data;
  return { headers: headers!, rows };
}

/** A compact description of what a column becomes, for readable expectations. */
function describeTarget(column: ColumnMapping): string {
  const t = column.target;
  if (t.kind === 'ignore') return 'ignore';
  if (t.kind === 'segment_if_yes') return `segment_if_yes:${t.segment}`;
  if (t.kind === 'data') return `data:${t.key}${column.valueType ? `:${column.valueType}` : ''}`;
  let out = `field:${t.field}`;
  if (column.segmentSeparator) out += `:${column.segmentSeparator}`;
  if (column.dateFormat) out += `@${column.dateFormat}`;
  return out;
}

describe('sample exports of every source', () => {
  it.each(SAMPLE_EXPORTS.map((s) => [s.label, s] as const))(
    '%s is recognized and mapped as expected',
    (_label, sample) => {
      const { headers, rows } = parseCsv(sample.csv, sample.delimiter);
      expect(rows.length).toBeGreaterThan(0);

      const recognition = recognizeSourceExport(headers);
      expect(recognition?.preset.id).toBe(sample.presetId);
      expect(recognition?.message).toBe(`This looks like a ${recognition?.preset.name} export.`);

      const mapping = ImportMapping.parse(mappingFromSourcePreset(recognition!.preset, headers));
      expect(mapping.columns.map((c) => c.column)).toEqual(headers);
      mapping.columns.forEach((c, i) => expect(c.index).toBe(i));

      const emailColumns = mapping.columns.filter(
        (c) => c.target.kind === 'field' && c.target.field === 'email',
      );
      expect(emailColumns.map((c) => c.column)).toEqual([sample.emailHeader]);
      // The email column really holds the emails of the sample rows.
      const emailCell = rows[0]![emailColumns[0]!.index]!;
      expect(emailCell).toMatch(/@/);

      for (const [header, expected] of Object.entries(sample.expect)) {
        const column = mapping.columns.find((c) => c.column === header);
        expect(column, `column ${header}`).toBeDefined();
        expect(describeTarget(column!), header).toBe(expected);
      }
    },
  );

  it('recognizes a tool whatever the case, spacing or byte-order mark of its headers', () => {
    const shopify = SAMPLE_EXPORTS.find((s) => s.presetId === 'shopify-customers')!;
    const { headers } = parseCsv(shopify.csv);
    const messy = headers.map((h, i) =>
      i === 0 ? `\uFEFF${h.toUpperCase()}` : `  ${h.toLowerCase()} `,
    );
    expect(recognizeSourceExport(messy)?.preset.id).toBe('shopify-customers');
  });

  it('keeps unknown columns of a recognized export, as ignored', () => {
    const hubspot = SAMPLE_EXPORTS.find((s) => s.presetId === 'hubspot-contacts')!;
    const { headers } = parseCsv(hubspot.csv);
    const withCustom = [...headers, 'Favourite cheese'];
    const recognition = recognizeSourceExport(withCustom);
    expect(recognition?.preset.id).toBe('hubspot-contacts');
    const mapping = mappingFromSourcePreset(recognition!.preset, withCustom);
    expect(mapping.columns.at(-1)).toEqual({
      column: 'Favourite cheese',
      index: withCustom.length - 1,
      target: { kind: 'ignore' },
    });
  });

  it('takes the first of several values in a Google cell and drops its system labels', () => {
    const google = SAMPLE_EXPORTS.find((s) => s.label.startsWith('Google Contacts (current'))!;
    const { headers } = parseCsv(google.csv);
    const mapping = mappingFromSourcePreset(findBuiltInPreset('google-contacts')!, headers);
    const email = mapping.columns.find((c) => c.column === 'E-mail 1 - Value')!;
    expect(email.multiValueSeparator).toBe(' ::: ');
    const labels = mapping.columns.find((c) => c.column === 'Labels')!;
    expect(labels.dropSegments).toContain('* myContacts');
  });
});

describe('near misses are never recognized', () => {
  it.each(NEAR_MISSES.map((n) => [n.label, n.headers] as const))('%s', (_label, headers) => {
    expect(recognizeSourceExport(headers)).toBeNull();
  });

  it('a Salesforce contacts file is not taken for leads, nor leads for contacts', () => {
    const contacts = parseCsv(
      SAMPLE_EXPORTS.find((s) => s.presetId === 'salesforce-contacts')!.csv,
    );
    const leads = parseCsv(SAMPLE_EXPORTS.find((s) => s.presetId === 'salesforce-leads')!.csv);
    expect(recognizeSourceExport(contacts.headers)?.preset.id).toBe('salesforce-contacts');
    expect(recognizeSourceExport(leads.headers)?.preset.id).toBe('salesforce-leads');
  });

  it('a Salesforce report is not taken for Zoho, nor Zoho for a Salesforce report', () => {
    const report = parseCsv(
      SAMPLE_EXPORTS.find((s) => s.presetId === 'salesforce-contacts-report')!.csv,
    );
    const zoho = parseCsv(SAMPLE_EXPORTS.find((s) => s.presetId === 'zoho-crm-contacts')!.csv);
    expect(recognizeSourceExport(report.headers)?.preset.id).toBe('salesforce-contacts-report');
    expect(recognizeSourceExport(zoho.headers)?.preset.id).toBe('zoho-crm-contacts');
  });

  it('does not recognize a HubSpot export in a language whose labels are not covered', () => {
    // German labels were removed from the catalogue: no public export showed them. Guessing
    // them would risk mapping a column wrongly; the user maps such a file by hand instead.
    const guessedGerman = ['Datensatz-ID', 'Vorname', 'Nachname', 'E-Mail', 'Telefonnummer'];
    expect(recognizeSourceExport(guessedGerman)).toBeNull();
  });
});

describe('the catalogue', () => {
  it('has one preset per source the issue names', () => {
    const tools = new Set(BUILT_IN_PRESETS.map((p) => p.tool));
    for (const tool of [
      'HubSpot',
      'Pipedrive',
      'Salesforce',
      'Zoho CRM',
      'Shopify',
      'WooCommerce',
      'PrestaShop',
      'Mailchimp',
      'Intercom',
      'Brevo (Sendinblue)',
      'Google Contacts',
      'Microsoft Outlook',
    ]) {
      expect(tools, tool).toContain(tool);
    }
  });

  it('cites a source for every preset and has a sample export for every preset', () => {
    for (const preset of BUILT_IN_PRESETS) {
      expect(preset.source.url, preset.id).toMatch(/^https:\/\//);
      expect(preset.source.note.length, preset.id).toBeGreaterThan(20);
      expect(
        SAMPLE_EXPORTS.some((s) => s.presetId === preset.id),
        preset.id,
      ).toBe(true);
    }
  });

  it('gives each header of a preset a single meaning and requires several distinctive headers', () => {
    for (const preset of BUILT_IN_PRESETS) {
      const seen = new Map<string, number>();
      preset.columns.forEach((column, i) => {
        for (const header of column.headers) {
          const key = headerKey(header);
          expect(seen.get(key), `${preset.id}: "${header}" in two columns`).toBeUndefined();
          seen.set(key, i);
        }
      });
      expect(preset.signature.minDistinctive).toBeGreaterThanOrEqual(3);
      expect(
        preset.columns.some((c) => c.target.kind === 'field' && c.target.field === 'email'),
      ).toBe(true);
    }
  });

  it('never rests recognition on a header no public source showed', () => {
    for (const preset of BUILT_IN_PRESETS) {
      const unverified = new Set((preset.unverifiedHeaders ?? []).map(headerKey));
      const known = new Set(
        [...preset.columns.flatMap((c) => c.headers), ...preset.ignoredHeaders].map(headerKey),
      );
      for (const header of unverified) {
        expect(known.has(header), `${preset.id}: unverified "${header}" is not in the preset`).toBe(
          true,
        );
      }
      for (const header of preset.signature.distinctive) {
        expect(unverified.has(headerKey(header)), `${preset.id}: "${header}"`).toBe(false);
      }
    }
  });

  it('builds every sample from headers the preset knows, unverified ones only where declared', () => {
    for (const sample of SAMPLE_EXPORTS) {
      const preset = findBuiltInPreset(sample.presetId)!;
      const { headers } = parseCsv(sample.csv, sample.delimiter);
      const known = new Set(
        [...preset.columns.flatMap((c) => c.headers), ...preset.ignoredHeaders].map(headerKey),
      );
      const unverified = new Set((preset.unverifiedHeaders ?? []).map(headerKey));
      const declared = new Set((sample.unverifiedHeadersUsed ?? []).map(headerKey));
      for (const header of headers.map(headerKey).filter((k) => k.length > 0)) {
        expect(known.has(header), `${sample.label}: "${header}" unknown to the preset`).toBe(true);
        if (unverified.has(header)) {
          expect(declared.has(header), `${sample.label}: "${header}" is unverified`).toBe(true);
        }
      }
    }
  });

  it('is read-only', () => {
    const shopify = findBuiltInPreset('Shopify customers')!;
    expect(Object.isFrozen(shopify)).toBe(true);
    expect(Object.isFrozen(shopify.columns)).toBe(true);
    expect(() => {
      (shopify as { name: string }).name = 'Changed';
    }).toThrow();
  });

  it('finds a built-in preset by id or by name', () => {
    expect(findBuiltInPreset('shopify-customers')?.name).toBe('Shopify customers');
    expect(findBuiltInPreset('  hubspot CONTACTS ')?.id).toBe('hubspot-contacts');
    expect(findBuiltInPreset('Nope')).toBeUndefined();
  });
});
