import type { SourcePreset } from '../source-preset';
import { data, field } from './column-builders';

/**
 * Brevo (formerly Sendinblue) contacts (Contacts > Export). Columns are attribute names in
 * capitals; the first and last name attributes are named in the account's language (FIRSTNAME or
 * PRENOM, VORNAME, NOMBRE, NOME...). The export always carries EMAIL, ADDED_TIME and MODIFIED_TIME.
 * Source: https://help.brevo.com/hc/en-us/articles/208729849-Create-a-file-to-import-your-contacts
 */
export const BREVO_CONTACTS: SourcePreset = {
  id: 'brevo-contacts',
  name: 'Brevo contacts',
  tool: 'Brevo (Sendinblue)',
  languages: ['en', 'fr', 'de', 'es', 'it', 'pt'],
  source: {
    url: 'https://help.brevo.com/hc/en-us/articles/208729849-Create-a-file-to-import-your-contacts',
    note: 'Default attributes EMAIL, FIRSTNAME, LASTNAME, SMS (names of FIRSTNAME and LASTNAME vary with the account language), WHATSAPP, LANDLINE_NUMBER, EXT_ID. The translated names (PRENOM/NOM, VORNAME/NACHNAME, NOMBRE/APELLIDOS, NOME/COGNOME, NOME/SOBRENOME) are those Brevo creates for French, German, Spanish, Italian and Portuguese accounts.',
  },
  alsoSee: [
    {
      url: 'https://developers.brevo.com/reference/request-contact-export',
      note: 'Exports carry the mandatory attributes EMAIL, ADDED_TIME, MODIFIED_TIME.',
    },
  ],
  signature: {
    distinctive: ['SMS', 'WHATSAPP', 'LANDLINE_NUMBER', 'EXT_ID', 'ADDED_TIME', 'MODIFIED_TIME'],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['EMAIL']),
    field('first_name', ['FIRSTNAME', 'PRENOM', 'VORNAME', 'NOMBRE', 'NOME']),
    field('last_name', ['LASTNAME', 'NOM', 'NACHNAME', 'APELLIDOS', 'COGNOME', 'SOBRENOME']),
    field('phone', ['SMS']),
    data('whatsapp', ['WHATSAPP'], { valueType: 'string' }),
    data('landline_number', ['LANDLINE_NUMBER'], { valueType: 'string' }),
    data('ext_id', ['EXT_ID'], { valueType: 'string' }),
    field('created_at', ['ADDED_TIME'], { dateFormat: 'YYYY-MM-DD HH:mm:ss' }),
    data('modified_time', ['MODIFIED_TIME'], { dateFormat: 'YYYY-MM-DD HH:mm:ss' }),
  ],
  ignoredHeaders: ['CONTACT ID', 'CONTACT_ID'],
};
