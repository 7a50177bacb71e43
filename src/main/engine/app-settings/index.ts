export * from './json-file';
export * from './settings';
export * from './state-dir';
