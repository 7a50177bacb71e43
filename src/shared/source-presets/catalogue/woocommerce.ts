import type { SourcePreset } from '../source-preset';
import { data, field } from './column-builders';

/**
 * WooCommerce customers, as downloaded from WooCommerce > Customers (Analytics customers report,
 * "Download" button). English labels of the report table.
 * Source: https://woocommerce.com/document/woocommerce-analytics/customers-report/
 */
export const WOOCOMMERCE_CUSTOMERS: SourcePreset = {
  id: 'woocommerce-customers',
  name: 'WooCommerce customers',
  tool: 'WooCommerce',
  languages: ['en'],
  source: {
    url: 'https://woocommerce.com/document/woocommerce-analytics/customers-report/',
    note: 'Customers report columns: Name, Username, Last active, Date registered, Email, Orders, Total spend, AOV, Country / Region, City, Region, Postal code. Orders, Total spend and AOV are numbers; dates are left to automatic reading (ISO 8601).',
  },
  signature: {
    distinctive: [
      'Username',
      'Last active',
      'Date registered',
      'Orders',
      'Total spend',
      'AOV',
      'Country / Region',
      'Postal code',
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['Email']),
    field('full_name', ['Name']),
    data('username', ['Username'], { valueType: 'string' }),
    field('last_active_at', ['Last active']),
    field('created_at', ['Date registered']),
    data('total_orders', ['Orders'], { valueType: 'number' }),
    data('total_spent', ['Total spend'], { valueType: 'number' }),
    data('average_order_value', ['AOV'], { valueType: 'number' }),
    field('country', ['Country / Region', 'Country']),
    field('city', ['City']),
    field('region', ['Region']),
    data('postal_code', ['Postal code'], { valueType: 'string' }),
  ],
  ignoredHeaders: [],
};

/**
 * WooCommerce customers exported as WordPress users with their billing and shipping meta (the
 * "user_email, billing_email, billing_country..." layout of WooCommerce's own Import Export Suite).
 * Source: https://woocommerce.com/document/import-and-export-of-woocommerce-users/
 */
export const WOOCOMMERCE_USER_EXPORT: SourcePreset = {
  id: 'woocommerce-user-export',
  name: 'WooCommerce customers (user export)',
  tool: 'WooCommerce',
  languages: ['en'],
  source: {
    url: 'https://woocommerce.com/document/import-and-export-of-woocommerce-users/',
    note: 'Column headings customer_id, user_login, user_email, user_registered, display_name, first_name, last_name, roles, billing_* and shipping_* fields. The account email is the Crisp email; the billing address fills the location.',
  },
  signature: {
    distinctive: [
      'user_login',
      'user_email',
      'user_registered',
      'user_nicename',
      'display_name',
      'billing_email',
      'billing_phone',
      'billing_company',
      'billing_city',
      'billing_country',
      'billing_postcode',
      'shipping_country',
      'customer_id',
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
};
