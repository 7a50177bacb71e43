/** The built-in presets, one per known export format. Read-only: users edit copies. */
import { BREVO_CONTACTS } from './catalogue/brevo';
import { GOOGLE_CONTACTS } from './catalogue/google-contacts';
import { HUBSPOT_CONTACTS } from './catalogue/hubspot';
import { INTERCOM_CONTACTS } from './catalogue/intercom';
import { MAILCHIMP_AUDIENCE } from './catalogue/mailchimp';
import { OUTLOOK_CONTACTS } from './catalogue/outlook';
import { PIPEDRIVE_PERSONS } from './catalogue/pipedrive';
import { PRESTASHOP_CUSTOMERS } from './catalogue/prestashop';
import {
  SALESFORCE_CONTACTS,
  SALESFORCE_CONTACTS_REPORT,
  SALESFORCE_LEADS,
} from './catalogue/salesforce';
import { SHOPIFY_CUSTOMERS } from './catalogue/shopify';
import { WOOCOMMERCE_CUSTOMERS, WOOCOMMERCE_USER_EXPORT } from './catalogue/woocommerce';
import { ZOHO_CRM_CONTACTS } from './catalogue/zoho-crm';
import type { SourcePreset } from './source-preset';

function frozen<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}

export const BUILT_IN_PRESETS: readonly SourcePreset[] = frozen([
  HUBSPOT_CONTACTS,
  PIPEDRIVE_PERSONS,
  SALESFORCE_CONTACTS,
  SALESFORCE_LEADS,
  SALESFORCE_CONTACTS_REPORT,
  ZOHO_CRM_CONTACTS,
  SHOPIFY_CUSTOMERS,
  WOOCOMMERCE_CUSTOMERS,
  WOOCOMMERCE_USER_EXPORT,
  PRESTASHOP_CUSTOMERS,
  MAILCHIMP_AUDIENCE,
  INTERCOM_CONTACTS,
  BREVO_CONTACTS,
  GOOGLE_CONTACTS,
  OUTLOOK_CONTACTS,
]);

/** A built-in preset by id or by name (case-insensitive), as `run --preset <name>` gives it. */
export function findBuiltInPreset(idOrName: string): SourcePreset | undefined {
  const wanted = idOrName.trim().toLowerCase();
  return BUILT_IN_PRESETS.find((p) => p.id === wanted || p.name.toLowerCase() === wanted);
}
