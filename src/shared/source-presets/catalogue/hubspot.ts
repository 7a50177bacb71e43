import type { SourcePreset } from '../source-preset';
import { data, field } from './column-builders';

/**
 * HubSpot contacts (Contacts > Export). HubSpot names export columns by the property labels of
 * the account's language, so the same file comes out in English, French, German or Spanish.
 * Source: https://knowledge.hubspot.com/import-and-export/export-records
 */
export const HUBSPOT_CONTACTS: SourcePreset = {
  id: 'hubspot-contacts',
  name: 'HubSpot contacts',
  tool: 'HubSpot',
  languages: ['en', 'fr', 'de', 'es'],
  source: {
    url: 'https://knowledge.hubspot.com/import-and-export/export-records',
    note: 'Exports use property labels in the user language. English default view: Record ID, First Name, Last Name, Email, Phone Number, Contact owner, Primary Associated Company ID, Last Activity Date, Lead Status, Marketing contact status, Create Date, Associated Company (seen in public sample exports). French labels "ID de fiche d\'informations", "Numéro de téléphone", "Nom de l\'entreprise" seen in public French exports; the other French, German and Spanish labels are HubSpot\'s property labels in those languages. Dates are written "2024-03-12 09:14".',
  },
  alsoSee: [
    {
      url: 'https://knowledge.hubspot.com/contacts/hubspots-default-contact-properties',
      note: 'Default contact properties (Lifecycle Stage, Lead Status, Job Title, City, State/Region, Country/Region, Postal Code, Street Address).',
    },
  ],
  signature: {
    distinctive: [
      'Record ID',
      "ID de fiche d'informations",
      'Datensatz-ID',
      'ID de registro',
      'Contact owner',
      'Propriétaire du contact',
      'Kontaktinhaber',
      'Propietario del contacto',
      'Lifecycle Stage',
      'Phase du cycle de vie',
      'Lifecycle-Phase',
      'Etapa del ciclo de vida',
      'Lead Status',
      'Statut du lead',
      'Lead-Status',
      'Estado del lead',
      'Marketing contact status',
      'Primary Associated Company ID',
      'Associated Company',
      'Associated Company IDs',
      'Last Activity Date',
      'Date de la dernière activité',
      'Create Date',
      'Phone Number',
      'Numéro de téléphone',
      'State/Region',
      'Country/Region',
      'Pays/Région',
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['Email', 'E-mail', 'Correo', 'Correo electrónico']),
    field('first_name', ['First Name', 'Prénom', 'Vorname', 'Nombre']),
    field('last_name', ['Last Name', 'Nom', 'Nachname', 'Apellidos']),
    field('phone', ['Phone Number', 'Numéro de téléphone', 'Telefonnummer', 'Número de teléfono']),
    field('company_name', [
      'Company Name',
      "Nom de l'entreprise",
      'Name des Unternehmens',
      'Nombre de la empresa',
      'Associated Company',
      'Entreprise associée',
    ]),
    field('employment_title', ['Job Title', 'Intitulé du poste', 'Jobbezeichnung', 'Cargo']),
    field('address', ['Street Address', 'Adresse postale', 'Straße', 'Dirección']),
    field('city', ['City', 'Ville', 'Ort', 'Ciudad']),
    field('region', ['State/Region', 'État/Région', 'Bundesland/Region', 'Estado/Región']),
    field('country', ['Country/Region', 'Pays/Région', 'Land/Region', 'País/Región']),
    data('postal_code', ['Postal Code', 'Code postal', 'Postleitzahl', 'Código postal'], {
      valueType: 'string',
    }),
    field('website', ['Website URL', 'URL du site web', 'Website-URL', 'URL del sitio web']),
    data(
      'lifecycle_stage',
      ['Lifecycle Stage', 'Phase du cycle de vie', 'Lifecycle-Phase', 'Etapa del ciclo de vida'],
      { valueType: 'string' },
    ),
    data('lead_status', ['Lead Status', 'Statut du lead', 'Lead-Status', 'Estado del lead'], {
      valueType: 'string',
    }),
    data(
      'contact_owner',
      ['Contact owner', 'Propriétaire du contact', 'Kontaktinhaber', 'Propietario del contacto'],
      { valueType: 'string' },
    ),
    field(
      'created_at',
      ['Create Date', 'Date de création', 'Erstellungsdatum', 'Fecha de creación'],
      {
        dateFormat: 'YYYY-MM-DD HH:mm',
      },
    ),
    field(
      'last_active_at',
      [
        'Last Activity Date',
        'Date de la dernière activité',
        'Datum der letzten Aktivität',
        'Fecha de la última actividad',
      ],
      { dateFormat: 'YYYY-MM-DD HH:mm' },
    ),
    data(
      'hubspot_record_id',
      ['Record ID', "ID de fiche d'informations", 'Datensatz-ID', 'ID de registro'],
      { valueType: 'string' },
    ),
  ],
  ignoredHeaders: [
    'Primary Associated Company ID',
    'Associated Company IDs',
    'Associated Contact IDs',
    'Marketing contact status',
    'Statut de contact marketing',
  ],
};
