import type { SourcePreset } from '../source-preset';
import { data, field, segmentIfYes } from './column-builders';

/**
 * PrestaShop customers (Customers > Customers > Export), semicolon-separated; yes/no columns
 * hold 1 or 0. Three header sets are covered, all in English: the export of 1.7.6 and later
 * (CustomerController), the list columns of 1.6 (AdminCustomersController), and the format shown
 * in the PrestaShop 1.6 and 1.7 user guides. The back office writes these labels in its own
 * language; no translated header set could be verified, so other languages are not covered.
 * Source: https://doc.prestashop.com/plugins/viewsource/viewpagesrc.action?pageId=51184919
 */
export const PRESTASHOP_CUSTOMERS: SourcePreset = {
  id: 'prestashop-customers',
  name: 'PrestaShop customers',
  tool: 'PrestaShop',
  languages: ['en'],
  source: {
    url: 'https://doc.prestashop.com/plugins/viewsource/viewpagesrc.action?pageId=51184919',
    note: 'The PrestaShop 1.7 user guide (this page; the 1.6 guide, pageId 23069590, has the same text) shows the customers CSV as "ID;Title;Last name;First Name;Email address;Age;Enabled;News.;Opt.;Registration;Last visit" with dates "2013-07-04 15:20:02". The export of 1.7.6+ (exportAction of src/PrestaShopBundle/Controller/Admin/Sell/Customer/CustomerController.php, seen in several public copies of PrestaShop) writes "ID, Social title, First name, Last name, Email address, [Group in 8.x], Company, Sales, Enabled, Newsletter, Partner offers, Registration, Last visit", each label passed through trans() into the back office language. The 1.6 list (AdminCustomersController fields_list, public copies) names its columns "... Company (B2B), Sales, Enabled, Newsletter, Opt-in, Registration, Last visit". French, German, Spanish and Italian labels were removed: no public export or translation file showed them. Sales carries a currency sign, so it is kept as text.',
  },
  alsoSee: [
    {
      url: 'https://github.com/PrestaShop/PrestaShop/blob/develop/src/Core/Grid/Definition/Factory/CustomerGridDefinitionFactory.php',
      note: 'The customers grid of 1.7.6+: ID, Social title, First name, Last name, Email address, Company (B2B), Sales, Enabled, Newsletter, Partner offers, Registration, Last visit.',
    },
  ],
  signature: {
    distinctive: [
      'Social title',
      'Sales',
      'Enabled',
      'Newsletter',
      'News.',
      'Partner offers',
      'Opt.',
      'Opt-in',
      'Registration',
      'Last visit',
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['Email address']),
    field('first_name', ['First name']),
    field('last_name', ['Last name']),
    field('company_name', ['Company']),
    segmentIfYes('newsletter', ['Newsletter', 'News.']),
    data('partner_offers', ['Partner offers', 'Opt-in', 'Opt.'], { valueType: 'boolean' }),
    data('account_enabled', ['Enabled'], { valueType: 'boolean' }),
    data('sales', ['Sales'], { valueType: 'string' }),
    data('social_title', ['Social title', 'Title'], { valueType: 'string' }),
    data('customer_group', ['Group'], { valueType: 'string' }),
    data('age', ['Age'], { valueType: 'number' }),
    field('created_at', ['Registration'], { dateFormat: 'YYYY-MM-DD HH:mm:ss' }),
    field('last_active_at', ['Last visit'], { dateFormat: 'YYYY-MM-DD HH:mm:ss' }),
    data('prestashop_customer_id', ['ID'], { valueType: 'string' }),
  ],
  ignoredHeaders: [],
};
