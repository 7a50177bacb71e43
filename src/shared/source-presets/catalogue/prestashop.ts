import type { SourcePreset } from '../source-preset';
import { data, field, segmentIfYes } from './column-builders';

/**
 * PrestaShop customers (Customers > Customers > Export). The export writes the list's column
 * labels in the back office language, separated by semicolons; yes/no columns hold 1 or 0.
 * Source: https://doc.prestashop.com/display/PS17/Customers
 */
export const PRESTASHOP_CUSTOMERS: SourcePreset = {
  id: 'prestashop-customers',
  name: 'PrestaShop customers',
  tool: 'PrestaShop',
  languages: ['en', 'fr', 'de', 'es', 'it'],
  source: {
    url: 'https://doc.prestashop.com/display/PS17/Customers',
    note: 'List columns ID, Social title, First name, Last name, Email, Sales, Enabled, Newsletter, Partner offers, Registration, Last visit (1.7+); 1.6 wrote "ID;Title;Last name;First Name;Email address;Age;Enabled;News.;Opt.;Registration;Last visit" with dates "2013-07-04 15:20:02" (PrestaShop 1.6 user guide, doc.prestashop.com pageId 23069590). French, German, Spanish and Italian names are the back office labels of the same columns. Sales carries a currency sign, so it is kept as text.',
  },
  alsoSee: [
    {
      url: 'https://help-center.prestashop.com/hc/en-us/articles/115000669372-Access-customer-accounts',
      note: 'Column meanings: Enabled, Newsletter, Partner offers, Registration, Last visit.',
    },
  ],
  signature: {
    distinctive: [
      'Social title',
      'Titre de civilité',
      'Sales',
      'Ventes',
      'Enabled',
      'Activé',
      'Newsletter',
      'News.',
      "Lettre d'informations",
      'Partner offers',
      'Offres partenaires',
      'Opt.',
      'Registration',
      'Inscription',
      'Last visit',
      'Dernière visite',
      'Letzter Besuch',
      'Última visita',
      'Ultima visita',
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', [
      'Email',
      'Email address',
      'Adresse e-mail',
      'E-Mail',
      'E-Mail-Adresse',
      'Dirección de correo electrónico',
      'Indirizzo email',
    ]),
    field('first_name', ['First name', 'Prénom', 'Vorname', 'Nombre', 'Nome']),
    field('last_name', ['Last name', 'Nom', 'Nachname', 'Apellidos', 'Cognome']),
    field('company_name', ['Company', 'Société', 'Firma', 'Empresa', 'Azienda']),
    segmentIfYes('newsletter', ['Newsletter', 'News.', "Lettre d'informations", 'Boletín']),
    data(
      'partner_offers',
      [
        'Partner offers',
        'Opt.',
        'Offres partenaires',
        'Partnerangebote',
        'Ofertas de socios',
        'Offerte partner',
      ],
      {
        valueType: 'boolean',
      },
    ),
    data('account_enabled', ['Enabled', 'Activé', 'Aktiviert', 'Activado', 'Attivato'], {
      valueType: 'boolean',
    }),
    data('sales', ['Sales', 'Ventes', 'Umsatz', 'Ventas', 'Vendite'], { valueType: 'string' }),
    data(
      'social_title',
      ['Social title', 'Title', 'Titre de civilité', 'Titre', 'Anrede', 'Tratamiento', 'Titolo'],
      {
        valueType: 'string',
      },
    ),
    data('age', ['Age', 'Âge', 'Alter', 'Edad', 'Età'], { valueType: 'number' }),
    field(
      'created_at',
      ['Registration', 'Inscription', 'Registrierung', 'Registro', 'Registrazione'],
      {
        dateFormat: 'YYYY-MM-DD HH:mm:ss',
      },
    ),
    field(
      'last_active_at',
      ['Last visit', 'Dernière visite', 'Letzter Besuch', 'Última visita', 'Ultima visita'],
      {
        dateFormat: 'YYYY-MM-DD HH:mm:ss',
      },
    ),
    data('prestashop_customer_id', ['ID'], { valueType: 'string' }),
  ],
  ignoredHeaders: [],
};
