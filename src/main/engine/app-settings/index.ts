export * from './json-file';
export * from './output-file';
export * from './settings';
export * from './state-dir';
