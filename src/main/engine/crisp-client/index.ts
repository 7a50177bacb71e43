export * from './crisp-client';
export * from './crisp-request-error';
export * from './crisp-schemas';
export { encodePeopleId } from './people-id';
export { redactSecrets, rememberCrispToken, secretForms } from './secret-redaction';
