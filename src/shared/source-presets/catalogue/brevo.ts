import type { SourcePreset } from '../source-preset';
import { data, field } from './column-builders';

/**
 * Brevo (formerly Sendinblue) contacts (Contacts > Export). Columns are attribute names in
 * capitals; the first and last name attributes are named in the account's language (FIRSTNAME and
 * LASTNAME in English, PRENOM and NOM in French). The export always carries EMAIL, ADDED_TIME
 * and MODIFIED_TIME.
 * Source: https://help.brevo.com/hc/en-us/articles/208729849-Create-a-file-to-import-your-contacts
 */
export const BREVO_CONTACTS: SourcePreset = {
  id: 'brevo-contacts',
  name: 'Brevo contacts',
  tool: 'Brevo (Sendinblue)',
  languages: ['en', 'fr'],
  source: {
    url: 'https://help.brevo.com/hc/en-us/articles/208729849-Create-a-file-to-import-your-contacts',
    note: 'Brevo\'s help: "There are 4 default attributes in Brevo when you create an account: FIRSTNAME, LASTNAME, EMAIL, and SMS. The FIRSTNAME and LASTNAME default attributes name may vary based on the account language"; EMAIL, SMS, WHATSAPP, LANDLINE_NUMBER and EXT_ID are the contact identifiers. PRENOM and NOM (French accounts) seen as contact attributes in public code using French Brevo accounts (with ENTREPRISE and EXT_ID). The German, Spanish, Italian and Portuguese names (VORNAME/NACHNAME, NOMBRE/APELLIDOS, NOME/COGNOME, NOME/SOBRENOME) were removed: no public account or export showed them. The date layout of ADDED_TIME and MODIFIED_TIME ("2024-01-31 09:12:31") is assumed, not seen in a sample.',
  },
  alsoSee: [
    {
      url: 'https://developers.brevo.com/reference/request-contact-export',
      note: 'exportMandatoryAttributes: "To export mandatory attributes like EMAIL, ADDED_TIME, MODIFIED_TIME".',
    },
  ],
  signature: {
    distinctive: ['SMS', 'WHATSAPP', 'LANDLINE_NUMBER', 'EXT_ID', 'ADDED_TIME', 'MODIFIED_TIME'],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['EMAIL']),
    field('first_name', ['FIRSTNAME', 'PRENOM']),
    field('last_name', ['LASTNAME', 'NOM']),
    field('phone', ['SMS']),
    data('whatsapp', ['WHATSAPP'], { valueType: 'string' }),
    data('landline_number', ['LANDLINE_NUMBER'], { valueType: 'string' }),
    data('ext_id', ['EXT_ID'], { valueType: 'string' }),
    field('created_at', ['ADDED_TIME'], { dateFormat: 'YYYY-MM-DD HH:mm:ss' }),
    data('modified_time', ['MODIFIED_TIME'], { dateFormat: 'YYYY-MM-DD HH:mm:ss' }),
  ],
  ignoredHeaders: [],
};
