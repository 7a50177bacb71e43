export type { PresetColumn, PresetSignature, PresetSource, SourcePreset } from './source-preset';
export { BUILT_IN_PRESETS, findBuiltInPreset } from './catalogue';
export { canonicalHeaders, mappingFromSourcePreset, matchPresetColumn } from './preset-mapping';
export {
  MIN_DISTINCTIVE_HEADERS,
  MIN_KNOWN_SHARE,
  MIN_MARGIN,
  recognizeSourceExport,
  type SourceRecognition,
} from './recognition';
export { headerKey } from './header-name';
