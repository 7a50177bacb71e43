/**
 * The streaming workbook reader (.xlsx, .xlsm): a sheet's rows, cells as the person sees them.
 * See README.md in this folder.
 */
export { columnOfRef, dateKindOfFormat, numberText, serialToIso } from './cell-values';
export { defaultSheet, findSheet, openWorkbook, type OpenWorkbook } from './open-workbook';
export type { SheetRow } from './sheet-rows';
export { kindOfHead, oleIsEncryptedWorkbook, type HeadKind } from './workbook-kind';
export { encryptedWorkbookError, WorkbookError, type WorkbookErrorCode } from './workbook-error';
export type { WorkbookSheet } from './workbook-parts';
