/**
 * Request body checks of the fake Crisp server. Crisp's validation errors look like ajv (v6)
 * messages ("data.person should have required property 'nickname'"), so this small schema walker
 * produces messages in that style. Only the first problem is reported, as ajv does by default.
 */

type BodySchema =
  | { type: 'string'; format?: 'email'; minLength?: number }
  | { type: 'integer' }
  | { type: 'number' }
  | { type: 'boolean' }
  | { type: 'object'; properties: Record<string, BodySchema>; required?: string[] }
  | { type: 'array'; items: BodySchema; uniqueItems?: boolean };

const text: BodySchema = { type: 'string' };
const integer: BodySchema = { type: 'integer' };
const number: BodySchema = { type: 'number' };
const textList: BodySchema = { type: 'array', items: text };

const geolocation: BodySchema = {
  type: 'object',
  properties: {
    country: text,
    region: text,
    city: text,
    coordinates: { type: 'object', properties: { latitude: number, longitude: number } },
  },
};

const personProperties: Record<string, BodySchema> = {
  nickname: text,
  avatar: text,
  gender: text,
  phone: text,
  address: text,
  description: text,
  website: text,
  timezone: integer,
  profiles: {
    type: 'array',
    items: { type: 'object', properties: { type: text, handle: text, url: text } },
  },
  employment: {
    type: 'object',
    properties: { name: text, domain: text, title: text, role: text, seniority: text },
  },
  geolocation,
  locales: textList,
};

const company: BodySchema = {
  type: 'object',
  properties: {
    name: text,
    legal_name: text,
    domain: text,
    url: text,
    description: text,
    timezone: integer,
    phones: textList,
    emails: textList,
    tags: textList,
    geolocation,
    metrics: {
      type: 'object',
      properties: { employees: integer, market_cap: integer, raised: integer, arr: integer },
    },
  },
};

export interface ProfileRules {
  nicknameRequired: boolean;
  emailFormatCheck: boolean;
  rejectDuplicateSegments: boolean;
}

/** The body schema of POST and PUT people/profile (`full`) or PATCH (`partial`). */
function profileSchema(rules: ProfileRules, mode: 'full' | 'partial'): BodySchema {
  const full = mode === 'full';
  const nicknameRule: BodySchema =
    full && rules.nicknameRequired ? { type: 'string', minLength: 1 } : text;
  return {
    type: 'object',
    required: full ? (rules.nicknameRequired ? ['email', 'person'] : ['email']) : [],
    properties: {
      email: rules.emailFormatCheck
        ? { type: 'string', format: 'email' }
        : { type: 'string', minLength: 1 },
      person: {
        type: 'object',
        required: full && rules.nicknameRequired ? ['nickname'] : [],
        properties: { ...personProperties, nickname: nicknameRule },
      },
      company,
      segments: { type: 'array', items: text, uniqueItems: rules.rejectDuplicateSegments },
      notepad: text,
      active: integer,
    },
  };
}

// ajv's "fast" email format.
const EMAIL_FORMAT =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ajv's data path: `.key` for identifiers, `['key']` otherwise. */
export function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key)
    ? `${path}.${key}`
    : `${path}['${key.replace(/'/g, "\\'")}']`;
}

function typeMatches(schema: BodySchema, value: unknown): boolean {
  switch (schema.type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
  }
}

/** The first problem of `value` against `schema`, as an ajv-style message; null when valid. */
function firstProblem(schema: BodySchema, value: unknown, path: string): string | null {
  if (!typeMatches(schema, value)) return `${path} should be ${schema.type}`;
  if (schema.type === 'string') {
    const textValue = value as string;
    if (schema.minLength !== undefined && textValue.length < schema.minLength) {
      return `${path} should NOT be shorter than ${schema.minLength} characters`;
    }
    if (schema.format === 'email' && !EMAIL_FORMAT.test(textValue)) {
      return `${path} should match format "email"`;
    }
    return null;
  }
  if (schema.type === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in record)) return `${path} should have required property '${key}'`;
    }
    for (const key of Object.keys(record)) {
      if (!(key in schema.properties)) return `${path} should NOT have additional properties`;
    }
    for (const [key, child] of Object.entries(record)) {
      const childSchema = schema.properties[key];
      if (!childSchema) continue;
      const problem = firstProblem(childSchema, child, childPath(path, key));
      if (problem) return problem;
    }
    return null;
  }
  if (schema.type === 'array') {
    const list = value as unknown[];
    for (let index = 0; index < list.length; index += 1) {
      const problem = firstProblem(schema.items, list[index], `${path}[${index}]`);
      if (problem) return problem;
    }
    if (schema.uniqueItems) {
      const seen = new Map<string, number>();
      for (let index = 0; index < list.length; index += 1) {
        const key = JSON.stringify(list[index]);
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          return `${path} should NOT have duplicate items (items ## ${index} and ${earlier} are identical)`;
        }
        seen.set(key, index);
      }
    }
  }
  return null;
}

/** Checks a people/profile body. Returns the ajv-style message of the first problem, or null. */
export function profileBodyProblem(
  body: unknown,
  rules: ProfileRules,
  mode: 'full' | 'partial',
): string | null {
  return firstProblem(profileSchema(rules, mode), body, 'data');
}

export interface DataKeyRules {
  dataKeys: 'lowercase' | 'any-case';
  badDataKey: 'reject' | 'drop';
}

const LOWERCASE_DATA_KEY = /^[a-z0-9_-]+$/;
const ANY_CASE_DATA_KEY = /^[A-Za-z0-9_-]+$/;

export type DataBodyCheck =
  { ok: true; data: Record<string, string | number | boolean> } | { ok: false; message: string };

/**
 * Checks a people/data body: it must be `{"data": {...}}` with string, number or boolean values
 * and allowed keys. Bad keys are rejected or dropped, by `rules`.
 */
export function dataBodyCheck(body: unknown, rules: DataKeyRules): DataBodyCheck {
  if (!isPlainObject(body)) return { ok: false, message: 'data should be object' };
  if (!('data' in body)) return { ok: false, message: "data should have required property 'data'" };
  for (const key of Object.keys(body)) {
    if (key !== 'data') return { ok: false, message: 'data should NOT have additional properties' };
  }
  const entries = body.data;
  if (!isPlainObject(entries)) return { ok: false, message: 'data.data should be object' };
  const pattern = rules.dataKeys === 'lowercase' ? LOWERCASE_DATA_KEY : ANY_CASE_DATA_KEY;
  const data: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(entries)) {
    if (!pattern.test(key)) {
      if (rules.badDataKey === 'drop') continue;
      return {
        ok: false,
        message: `data.data should match pattern "${pattern.source}" (property name '${key}' is invalid)`,
      };
    }
    const valid =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!valid) {
      return {
        ok: false,
        message: `${childPath('data.data', key)} should be string,number,boolean`,
      };
    }
    data[key] = value;
  }
  return { ok: true, data };
}

/** Checks a people/subscription PATCH body: `{"email": boolean}`. */
export function subscriptionBodyProblem(body: unknown): string | null {
  return firstProblem(
    { type: 'object', required: ['email'], properties: { email: { type: 'boolean' } } },
    body,
    'data',
  );
}
