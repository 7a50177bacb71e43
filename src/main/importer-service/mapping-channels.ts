/**
 * The `mapping:*` channels: the mapping proposed for a file (a saved preset, a recognized export,
 * or the columns matched by name; worked out in the engine worker), and a mapping's problems.
 */
import { validateMapping } from '../../shared/contact-rules';
import { BUILT_IN_PRESETS } from '../../shared/source-presets';
import type { DetectOptions } from '../engine/csv-reader';
import { loadAppSettings } from '../engine/app-settings';
import type { ChannelHandlers } from '../ipc/ipc-dispatcher';
import type { FileRegistry, RegisteredFile } from './file-registry';
import type { MappingProposals } from './mapping-proposals';
import { builtInPresetSummary, type PresetLibrary } from './preset-library';

export interface MappingChannelsOptions {
  stateDir: string;
  files: FileRegistry;
  proposals: MappingProposals;
  presets: PresetLibrary;
  /** How to read the file as its full-file check found it (its encoding). */
  detectOptionsOf: (file: RegisteredFile) => DetectOptions;
}

export function mappingChannels(
  options: MappingChannelsOptions,
): Pick<ChannelHandlers, 'mapping:propose' | 'mapping:validate'> {
  const { stateDir, files, proposals, presets } = options;
  return {
    async 'mapping:propose'({ fileId, overrides }) {
      const file = files.get(fileId);
      // In the engine worker: a strange file never stalls the main process.
      const {
        headers,
        columns,
        proposal: found,
      } = await proposals.propose({
        path: file.path,
        overrides,
        detectOptions: options.detectOptionsOf(file),
        userPresets: await presets.userPresets(),
      });
      // A saved preset keeps its own empty-cell choice; any other proposal takes the setting.
      const { settings } = await loadAppSettings(stateDir);
      const proposal =
        found.origin === 'user-preset'
          ? found
          : { ...found, mapping: { ...found.mapping, emptyCells: settings.emptyCells } };
      const matches = await presets.matches(headers);
      let proposedPreset = null;
      if (proposal.origin === 'user-preset') {
        proposedPreset = matches.find((m) => m.preset.presetId === proposal.presetId) ?? null;
      } else if (proposal.origin === 'built-in') {
        const builtIn = BUILT_IN_PRESETS.find((p) => p.id === proposal.presetId);
        if (builtIn) {
          proposedPreset = {
            preset: builtInPresetSummary(builtIn),
            score: 1,
            missingColumns: [],
            mapping: proposal.mapping,
          };
        }
      }
      return { columns, mapping: proposal.mapping, proposedPreset, presetMatches: matches };
    },
    async 'mapping:validate'({ columns, mapping }) {
      const problems = validateMapping(mapping, columns).map((issue) => ({
        code: issue.code,
        severity: issue.severity,
        column: issue.column === '' ? null : issue.column,
        message: issue.message,
        suggestedKey: issue.suggestion ?? null,
      }));
      return { ok: !problems.some((p) => p.severity === 'error'), problems };
    },
  };
}
