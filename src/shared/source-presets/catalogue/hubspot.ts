import type { SourcePreset } from '../source-preset';
import { data, field } from './column-builders';

/**
 * HubSpot contacts (Contacts > Export). HubSpot names export columns by the property labels of
 * the language chosen for the export (the exports API lists DE, EN, ES, FI, FR, IT, JA, NL, PL,
 * PT, SV). English is covered from real exports; French only for the labels seen in public French
 * exports; the other languages are not covered (no public export showed their labels).
 * Source: https://knowledge.hubspot.com/import-and-export/export-records
 */
export const HUBSPOT_CONTACTS: SourcePreset = {
  id: 'hubspot-contacts',
  name: 'HubSpot contacts',
  tool: 'HubSpot',
  languages: ['en', 'fr'],
  source: {
    url: 'https://knowledge.hubspot.com/import-and-export/export-records',
    note: 'English default view "Record ID","First Name","Last Name","Email","Phone Number","Contact owner","Primary Associated Company ID","Last Activity Date","Lead Status","Marketing contact status","Create Date","Associated Company" seen verbatim in public code that reads HubSpot exports (for example a CSV test fixture with "Record ID","First Name","Last Name","Email","Phone Number","Lead Status",...,"Create Date" and dates "2020-01-10 10:00"); "Company Name","Country/Region","Contact owner","Lifecycle Stage","Website URL","City","State/Region" seen in a SQL view over a HubSpot contacts export. French labels "ID de fiche d\'informations" and "Numéro de téléphone" (a contacts export), "Phase du cycle de vie" (next to HubSpot\'s untranslated integration columns), "Nom de l\'entreprise", "URL du site web", "Pays/Région", "Ville", "Adresse postale", "Code postal" (company exports) and "Date de création" (a ticket export) seen in public code reading French HubSpot exports. "Prénom", "Nom", "E-mail" (the French first name, last name and email labels) were not seen in a public export: kept as unverified, never used for recognition. German and Spanish labels were removed: no public export showed them.',
  },
  alsoSee: [
    {
      url: 'https://knowledge.hubspot.com/contacts/hubspots-default-contact-properties',
      note: 'Default contact properties (Lifecycle Stage, Lead Status, Job Title, City, State/Region, Country/Region, Postal Code, Street Address).',
    },
    {
      url: 'https://developers.hubspot.com/docs/api/crm/exports',
      note: 'Exports take a language (DE, EN, ES, FI, FR, IT, JA, NL, PL, PT, SV): the column labels follow it.',
    },
  ],
  signature: {
    distinctive: [
      'Record ID',
      "ID de fiche d'informations",
      'Contact owner',
      'Lifecycle Stage',
      'Phase du cycle de vie',
      'Lead Status',
      'Marketing contact status',
      'Primary Associated Company ID',
      'Associated Company',
      'Associated Company IDs',
      'Last Activity Date',
      'Create Date',
      'Phone Number',
      'Numéro de téléphone',
      'State/Region',
      'Country/Region',
      'Pays/Région',
      'Website URL',
      'URL du site web',
      "Nom de l'entreprise",
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['Email', 'E-mail']),
    field('first_name', ['First Name', 'Prénom']),
    field('last_name', ['Last Name', 'Nom']),
    field('phone', ['Phone Number', 'Numéro de téléphone']),
    field('company_name', ['Company Name', "Nom de l'entreprise", 'Associated Company']),
    field('employment_title', ['Job Title']),
    field('address', ['Street Address', 'Adresse postale']),
    field('city', ['City', 'Ville']),
    field('region', ['State/Region']),
    field('country', ['Country/Region', 'Pays/Région']),
    data('postal_code', ['Postal Code', 'Code postal'], { valueType: 'string' }),
    field('website', ['Website URL', 'URL du site web']),
    data('lifecycle_stage', ['Lifecycle Stage', 'Phase du cycle de vie'], {
      valueType: 'string',
    }),
    data('lead_status', ['Lead Status'], { valueType: 'string' }),
    data('contact_owner', ['Contact owner'], { valueType: 'string' }),
    field('created_at', ['Create Date', 'Date de création'], { dateFormat: 'YYYY-MM-DD HH:mm' }),
    field('last_active_at', ['Last Activity Date'], { dateFormat: 'YYYY-MM-DD HH:mm' }),
    data('hubspot_record_id', ['Record ID', "ID de fiche d'informations"], {
      valueType: 'string',
    }),
  ],
  ignoredHeaders: [
    'Primary Associated Company ID',
    'Associated Company IDs',
    'Associated Contact IDs',
    'Marketing contact status',
  ],
  unverifiedHeaders: ['E-mail', 'Prénom', 'Nom'],
};
