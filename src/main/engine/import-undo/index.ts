/** Undo an import: before-images kept by an undoable import, and the undo job (README.md). */
export * from './undo-images';
export * from './undo-records';
export * from './undo-targets';
export * from './undo-runner';
