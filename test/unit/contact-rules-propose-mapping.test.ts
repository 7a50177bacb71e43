import { describe, expect, it } from 'vitest';
import { ImportMapping } from '../../src/shared/column-mapping';
import { proposeMapping, validateMapping } from '../../src/shared/contact-rules';

function targets(headers: string[], sampleRows?: string[][]): Record<string, string> {
  const mapping = proposeMapping(headers, sampleRows);
  const out: Record<string, string> = {};
  for (const column of mapping.columns) {
    const t = column.target;
    out[column.column] =
      t.kind === 'field'
        ? t.field
        : t.kind === 'data'
          ? `data:${t.key}`
          : t.kind === 'segment_if_yes'
            ? `yes:${t.segment}`
            : 'ignore';
  }
  return out;
}

describe('proposeMapping', () => {
  it('maps English headers in any case and punctuation', () => {
    expect(
      targets([
        'E-mail',
        'FIRST_NAME',
        'last name',
        'Phone Number',
        'Company Name',
        'Job Title',
        'Tags',
        'Country',
        'City',
        'State/Region',
        'Created At',
        'Last Seen',
        'Notes',
        'Website',
        'Time Zone',
        'Language',
        'Gender',
        'Avatar URL',
      ]),
    ).toEqual({
      'E-mail': 'email',
      FIRST_NAME: 'first_name',
      'last name': 'last_name',
      'Phone Number': 'phone',
      'Company Name': 'company_name',
      'Job Title': 'employment_title',
      Tags: 'segments',
      Country: 'country',
      City: 'city',
      'State/Region': 'region',
      'Created At': 'created_at',
      'Last Seen': 'last_active_at',
      Notes: 'notepad',
      Website: 'website',
      'Time Zone': 'timezone',
      Language: 'locales',
      Gender: 'gender',
      'Avatar URL': 'avatar',
    });
  });

  it('maps French headers, accents or not', () => {
    expect(
      targets([
        'Courriel',
        'Prénom',
        'Nom',
        'Téléphone',
        'Étiquettes',
        'Ville',
        'Pays',
        'Société',
        'Date de création',
        'Fuseau horaire',
      ]),
    ).toEqual({
      Courriel: 'email',
      Prénom: 'first_name',
      Nom: 'last_name',
      Téléphone: 'phone',
      Étiquettes: 'segments',
      Ville: 'city',
      Pays: 'country',
      Société: 'company_name',
      'Date de création': 'created_at',
      'Fuseau horaire': 'timezone',
    });
    expect(targets(['Adresse e-mail', 'prenom', 'SOCIETE'])).toEqual({
      'Adresse e-mail': 'email',
      prenom: 'first_name',
      SOCIETE: 'company_name',
    });
  });

  it('maps German headers', () => {
    expect(
      targets([
        'E-Mail-Adresse',
        'Vorname',
        'Nachname',
        'Telefon',
        'Stadt',
        'Land',
        'Firma',
        'Straße',
      ]),
    ).toEqual({
      'E-Mail-Adresse': 'email',
      Vorname: 'first_name',
      Nachname: 'last_name',
      Telefon: 'phone',
      Stadt: 'city',
      Land: 'country',
      Firma: 'company_name',
      Straße: 'address',
    });
  });

  it('maps Spanish headers', () => {
    expect(
      targets([
        'Correo electrónico',
        'Nombre',
        'Apellido',
        'Teléfono',
        'Ciudad',
        'País',
        'Empresa',
        'Segmentos',
        'Etiquetas',
      ]),
    ).toEqual({
      'Correo electrónico': 'email',
      Nombre: 'first_name',
      Apellido: 'last_name',
      Teléfono: 'phone',
      Ciudad: 'city',
      País: 'country',
      Empresa: 'company_name',
      Segmentos: 'segments',
      Etiquetas: 'segments',
    });
  });

  it('maps data.my_key to custom data my_key, fixing keys Crisp would refuse', () => {
    expect(
      targets(['email', 'data.my_key', 'DATA.plan', 'data.Company Name', 'data.$ltv']),
    ).toEqual({
      email: 'email',
      'data.my_key': 'data:my_key',
      'DATA.plan': 'data:plan',
      'data.Company Name': 'data:company_name',
      'data.$ltv': 'data:ltv',
    });
  });

  it('gives two columns with the same data key distinct keys', () => {
    expect(targets(['email', 'data.plan', 'data.Plan?'])).toEqual({
      email: 'email',
      'data.plan': 'data:plan',
      'data.Plan?': 'data:plan_2',
    });
  });

  it('leaves unknown columns unmapped instead of guessing', () => {
    expect(targets(['Email', 'Zip', 'Favourite colour', 'Username', 'Total Spent', ''])).toEqual({
      Email: 'email',
      Zip: 'ignore',
      'Favourite colour': 'ignore',
      Username: 'ignore',
      'Total Spent': 'ignore',
      'Column 6': 'ignore',
    });
  });

  it('never maps two columns to the email, nor two to a single field', () => {
    expect(targets(['Email', 'E-mail', 'Courriel', 'Phone', 'Mobile', 'Tags', 'Segments'])).toEqual(
      {
        Email: 'email',
        'E-mail': 'ignore',
        Courriel: 'ignore',
        Phone: 'phone',
        Mobile: 'ignore',
        Tags: 'segments',
        Segments: 'segments',
      },
    );
  });

  it('understands field names with a customer/contact prefix', () => {
    expect(targets(['Customer Email', 'Contact First Name', 'Customer City'])).toEqual({
      'Customer Email': 'email',
      'Contact First Name': 'first_name',
      'Customer City': 'city',
    });
  });

  it('finds the email column of a file without a header from its sample rows', () => {
    const mapping = proposeMapping(
      [],
      [
        ['Jane', 'jane@example.com', '42'],
        ['Bob', 'bob@example.org', '7'],
        ['Ann', 'ANN@example.net ', ''],
      ],
    );
    expect(mapping.columns.map((c) => [c.column, c.index, c.target.kind])).toEqual([
      ['Column 1', 0, 'ignore'],
      ['Column 2', 1, 'field'],
      ['Column 3', 2, 'ignore'],
    ]);
    expect(mapping.columns[1]?.target).toEqual({ kind: 'field', field: 'email' });
  });

  it('does not take a column as the email when only some sample cells are emails', () => {
    const mapping = proposeMapping(
      ['Contact', 'Name'],
      [
        ['jane@example.com', 'Jane'],
        ['call back', 'Bob'],
        ['bob@example.org', 'Bob'],
      ],
    );
    expect(mapping.columns[0]?.target).toEqual({ kind: 'ignore' });
    expect(mapping.columns[1]?.target).toEqual({ kind: 'field', field: 'full_name' });
  });

  it('produces a valid, versioned mapping document that passes its own checks', () => {
    const headers = ['Courriel', 'Vorname', 'Apellido', 'data.plan', 'Created at'];
    const mapping = proposeMapping(headers);
    expect(ImportMapping.parse(JSON.parse(JSON.stringify(mapping)))).toEqual(mapping);
    expect(mapping.version).toBe(1);
    expect(validateMapping(mapping, headers)).toEqual([]);
  });
});
