import type { SourcePreset } from '../source-preset';
import { data, field, segmentIfYes } from './column-builders';

/**
 * Shopify customers (Customers > Export). Shopify writes English headers whatever the admin
 * language. Two layouts: the current one ("Default Address ..." columns, "Accepts Email
 * Marketing") and the older template ("Address1", "Accepts Marketing").
 * Source: https://help.shopify.com/en/manual/customers/import-export-customers
 */
export const SHOPIFY_CUSTOMERS: SourcePreset = {
  id: 'shopify-customers',
  name: 'Shopify customers',
  tool: 'Shopify',
  languages: ['en'],
  source: {
    url: 'https://help.shopify.com/en/manual/customers/import-export-customers',
    note: 'Customer CSV columns (First Name, Last Name, Email, Accepts Email Marketing, Accepts SMS Marketing, Total Spent, Total Orders, Tags, Note, Tax Exempt). Tags are comma-separated; yes/no columns. The "Default Address ..." and "Customer ID" names are those of the current export, as found in public sample exports.',
  },
  alsoSee: [
    {
      url: 'https://help.shopify.com/en/manual/migrating-to-shopify/transporter-app/csv-customers',
      note: 'Older layout: Company, Address1, Address2, City, Province, Province Code, Country, Country Code, Zip, Accepts Marketing.',
    },
  ],
  signature: {
    distinctive: [
      'Accepts Email Marketing',
      'Accepts SMS Marketing',
      'Accepts Marketing',
      'Default Address Company',
      'Default Address Address1',
      'Default Address Address2',
      'Default Address City',
      'Default Address Province Code',
      'Default Address Country Code',
      'Default Address Zip',
      'Default Address Phone',
      'Total Spent',
      'Total Orders',
      'Tax Exempt',
      'Address1',
      'Address2',
      'Province Code',
      'Country Code',
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['Email']),
    field('first_name', ['First Name']),
    field('last_name', ['Last Name']),
    field('phone', ['Phone']),
    data('address_phone', ['Default Address Phone'], { valueType: 'string' }),
    field('company_name', ['Default Address Company', 'Company']),
    field('address', ['Default Address Address1', 'Address1']),
    data('address_2', ['Default Address Address2', 'Address2'], { valueType: 'string' }),
    field('city', ['Default Address City', 'City']),
    field('region', ['Default Address Province Code', 'Province', 'Province Code']),
    field('country', ['Default Address Country Code', 'Country Code', 'Country']),
    data('zip', ['Default Address Zip', 'Zip'], { valueType: 'string' }),
    segmentIfYes('newsletter', ['Accepts Email Marketing', 'Accepts Marketing']),
    data('accepts_sms_marketing', ['Accepts SMS Marketing'], { valueType: 'boolean' }),
    data('accepts_whatsapp_marketing', ['Accepts WhatsApp Marketing'], { valueType: 'boolean' }),
    data('total_spent', ['Total Spent'], { valueType: 'number' }),
    data('total_orders', ['Total Orders'], { valueType: 'number' }),
    data('tax_exempt', ['Tax Exempt'], { valueType: 'boolean' }),
    field('segments', ['Tags'], { segmentSeparator: ',' }),
    field('notepad', ['Note']),
    data('shopify_customer_id', ['Customer ID'], { valueType: 'string' }),
  ],
  ignoredHeaders: [],
};
