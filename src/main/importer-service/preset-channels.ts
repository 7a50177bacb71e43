/**
 * The `presets:*` channels: the preset library, with the save and open dialogs of export and
 * import, and a `presets:changed` event after every change.
 */
import type { ChannelHandlers } from '../ipc/ipc-dispatcher';
import type { PresetLibrary } from './preset-library';
import type { NativeDialogs, PublishEvent } from './service-ports';

type PresetChannel = Extract<keyof ChannelHandlers, `presets:${string}`>;

export function presetChannels(
  presets: PresetLibrary,
  dialogs: NativeDialogs,
  publish: PublishEvent,
): Pick<ChannelHandlers, PresetChannel> {
  async function changed<T>(result: T): Promise<T> {
    publish('presets:changed', await presets.list());
    return result;
  }
  const presetFiles = [{ name: 'Preset files', extensions: ['json'] }];
  return {
    'presets:list': () => presets.list(),
    'presets:save': async (input) => changed(await presets.save(input)),
    'presets:rename': async ({ presetId, name }) => changed(await presets.rename(presetId, name)),
    async 'presets:remove'({ presetId }) {
      const list = await presets.remove(presetId);
      publish('presets:changed', list);
      return list;
    },
    async 'presets:export'({ presetId }) {
      const preset = await presets.get(presetId);
      const safeName = preset.name.replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'preset';
      const to = await dialogs.chooseSaveLocation({
        title: 'Export the preset',
        defaultName: `${safeName}.json`,
        filters: presetFiles,
      });
      if (to === null) return { savedTo: null };
      await presets.exportTo(presetId, to);
      return { savedTo: to };
    },
    async 'presets:import'() {
      const from = await dialogs.chooseFileToOpen({
        title: 'Import a preset',
        filters: presetFiles,
      });
      if (from === null) return { preset: null };
      return changed({ preset: await presets.importFrom(from) });
    },
    'presets:copyBuiltIn': async ({ presetId, name }) =>
      changed(await presets.copyBuiltIn(presetId, name)),
  };
}
