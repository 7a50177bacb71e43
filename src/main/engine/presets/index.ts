export {
  MAX_PRESET_FILE_BYTES,
  PresetStore,
  PresetStoreError,
  type NewUserPreset,
  type PresetListing,
  type PresetStoreErrorCode,
  type UnreadablePresetFile,
} from './preset-store';
export {
  findPresetForHeaders,
  mappingFromUserPreset,
  MIN_PRESET_COLUMNS_PRESENT,
  proposeMappingForHeaders,
  type MappingOrigin,
  type MappingProposal,
  type UserPresetMatch,
} from './preset-matching';
export {
  parseUserPreset,
  PresetFileFormat,
  PresetFormatError,
  USER_PRESET_VERSION,
  UserPreset,
  UserPresetId,
} from './user-preset';
