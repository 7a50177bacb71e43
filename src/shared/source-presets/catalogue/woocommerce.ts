import type { SourcePreset } from '../source-preset';
import { data, field } from './column-builders';

/**
 * WooCommerce customers, as downloaded from WooCommerce > Customers (Analytics customers report,
 * "Download" button). Two header sets: the CSV the browser builds for a single page (the table's
 * labels) and the CSV WooCommerce e-mails for larger reports (its export columns). Labels are
 * translated into the admin language; only English is covered.
 * Source: https://github.com/woocommerce/woocommerce/blob/trunk/plugins/woocommerce/src/Admin/API/Reports/Customers/Controller.php
 */
export const WOOCOMMERCE_CUSTOMERS: SourcePreset = {
  id: 'woocommerce-customers',
  name: 'WooCommerce customers',
  tool: 'WooCommerce',
  languages: ['en'],
  source: {
    url: 'https://github.com/woocommerce/woocommerce/blob/trunk/plugins/woocommerce/src/Admin/API/Reports/Customers/Controller.php',
    note: 'Read in woocommerce/woocommerce: get_export_columns() in plugins/woocommerce/src/Admin/API/Reports/Customers/Controller.php gives the e-mailed export "Name, Username, Last Active, Sign Up, Email, Orders, Total Spend, AOV, Country / Region, City, Region, Postal Code, Billing Phone, Shipping Phone, Role"; getHeadersContent() in plugins/woocommerce/client/admin/client/analytics/report/customers/table.js gives the browser download "Name, Username, Role, Last active, Date registered, Email, Orders, Total spend, AOV, Country / Region, City, Region, Postal code" (the labels are passed through __(), so a non-English admin gets translated headers, not covered here). Country / Region holds the ISO country code; Total Spend and AOV are plain numbers; dates are ISO 8601 without a zone (site time), left to automatic reading.',
  },
  alsoSee: [
    {
      url: 'https://woocommerce.com/document/woocommerce-analytics/',
      note: 'WooCommerce Analytics: every report can be downloaded as CSV.',
    },
  ],
  signature: {
    distinctive: [
      'Last active',
      'Date registered',
      'Sign Up',
      'Total spend',
      'AOV',
      'Country / Region',
      'Billing Phone',
      'Shipping Phone',
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['Email']),
    field('full_name', ['Name']),
    data('username', ['Username'], { valueType: 'string' }),
    data('role', ['Role'], { valueType: 'string' }),
    field('last_active_at', ['Last active']),
    field('created_at', ['Date registered', 'Sign Up']),
    data('total_orders', ['Orders'], { valueType: 'number' }),
    data('total_spent', ['Total spend'], { valueType: 'number' }),
    data('average_order_value', ['AOV'], { valueType: 'number' }),
    field('country', ['Country / Region']),
    field('city', ['City']),
    field('region', ['Region']),
    data('postal_code', ['Postal code'], { valueType: 'string' }),
    field('phone', ['Billing Phone']),
    data('shipping_phone', ['Shipping Phone'], { valueType: 'string' }),
  ],
  ignoredHeaders: [],
};

/**
 * WooCommerce customers exported as WordPress users with their billing and shipping meta (the
 * "user_email, billing_email, billing_country..." layout of the "Import Export Suite for
 * WooCommerce" extension sold on woocommerce.com, not of WooCommerce itself).
 * Source: https://woocommerce.com/document/import-and-export-of-woocommerce-users/
 */
export const WOOCOMMERCE_USER_EXPORT: SourcePreset = {
  id: 'woocommerce-user-export',
  name: 'WooCommerce customers (user export)',
  tool: 'WooCommerce',
  languages: ['en'],
  source: {
    url: 'https://woocommerce.com/document/import-and-export-of-woocommerce-users/',
    note: 'The "Mapping of WooCommerce Users" table of that page lists the column headings ID, customer_id, user_login, user_pass, user_nicename, user_email, user_url, user_registered, display_name, first_name, last_name, user_status, roles, nickname, description, rich_editing, syntax_highlighting, admin_color, use_ssl, show_admin_bar_front, locale, wp_user_level, show_welcome_panel, session_tokens, last_update, then the billing_* and shipping_* fields (the stored copy of the page was cut at billing_; their names are WooCommerce\'s customer meta keys, so they are not used for recognition). The account email is the Crisp email; the billing address fills the location.',
  },
  signature: {
    distinctive: [
      'user_login',
      'user_email',
      'user_registered',
      'user_nicename',
      'display_name',
      'customer_id',
      'session_tokens',
      'show_admin_bar_front',
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['user_email', 'billing_email']),
    field('first_name', ['first_name', 'billing_first_name']),
    field('last_name', ['last_name', 'billing_last_name']),
    field('full_name', ['display_name']),
    field('phone', ['billing_phone']),
    field('company_name', ['billing_company']),
    field('address', ['billing_address_1']),
    field('city', ['billing_city']),
    field('region', ['billing_state']),
    data('postal_code', ['billing_postcode'], { valueType: 'string' }),
    field('country', ['billing_country']),
    field('website', ['user_url']),
    field('description', ['description']),
    field('locales', ['locale']),
    field('created_at', ['user_registered']),
    data('username', ['user_login'], { valueType: 'string' }),
    data('roles', ['roles'], { valueType: 'string' }),
    data('woocommerce_customer_id', ['customer_id', 'ID'], { valueType: 'string' }),
  ],
  ignoredHeaders: [
    'user_pass',
    'user_nicename',
    'user_status',
    'nickname',
    'rich_editing',
    'syntax_highlighting',
    'admin_color',
    'use_ssl',
    'show_admin_bar_front',
    'wp_user_level',
    'show_welcome_panel',
    'session_tokens',
    'last_update',
    'billing_address_2',
    'shipping_first_name',
    'shipping_last_name',
    'shipping_company',
    'shipping_address_1',
    'shipping_address_2',
    'shipping_city',
    'shipping_state',
    'shipping_postcode',
    'shipping_country',
    'shipping_phone',
    'paying_customer',
    'wp_capabilities',
  ],
  unverifiedHeaders: ['paying_customer', 'wp_capabilities'],
};
