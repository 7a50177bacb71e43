export * from './crisp-connection';
export * from './keychain';
export * from './resolve-connection';
export * from './test-connection';
