import { useId, useState } from 'react';
import type { PresetSummary } from '../../../shared/ipc-contract';
import { Notice } from '../components/notice';
import { formatDateTime } from '../components/labels';
import { getImporter, messageOf, unwrap } from '../state/importer';
import { setState, useRendererState } from '../state/app-store';

function PresetRow(props: {
  preset: PresetSummary;
  onError: (text: string) => void;
  onDone: (text: string) => void;
}): React.JSX.Element {
  const { preset } = props;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(preset.name);
  const id = useId();

  async function run(action: () => Promise<string | null>): Promise<void> {
    try {
      const done = await action();
      const presets = await unwrap(getImporter().listPresets());
      setState((s) => (s.app ? { ...s, app: { ...s.app, presets } } : s));
      if (done) props.onDone(done);
    } catch (e) {
      props.onError(messageOf(e));
    }
  }

  return (
    <li className="card" style={{ boxShadow: 'none' }}>
      <div className="row">
        {renaming ? (
          <>
            <label className="visually-hidden" htmlFor={`${id}-name`}>
              New name for {preset.name}
            </label>
            <input
              id={`${id}-name`}
              type="text"
              value={name}
              onChange={(e) => setName(e.target.value)}
              style={{ maxWidth: 320 }}
            />
            <button
              type="button"
              className="button button--small button--primary"
              disabled={name.trim() === ''}
              onClick={() =>
                void run(async () => {
                  await unwrap(getImporter().renamePreset({ presetId: preset.presetId, name }));
                  setRenaming(false);
                  return null;
                })
              }
            >
              Save name
            </button>
            <button
              type="button"
              className="button button--small"
              onClick={() => setRenaming(false)}
            >
              Cancel
            </button>
          </>
        ) : (
          <>
            <strong>{preset.name}</strong>
            {preset.builtIn && <span className="badge badge--info">Built in</span>}
            <span className="spacer" />
            {preset.builtIn ? (
              <button
                type="button"
                className="button button--small"
                onClick={() =>
                  void run(async () => {
                    const copy = await unwrap(
                      getImporter().copyBuiltInPreset({ presetId: preset.presetId }),
                    );
                    return `Copied to your presets as “${copy.name}”. You can change the copy.`;
                  })
                }
              >
                Copy to my presets
              </button>
            ) : (
              <>
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => setRenaming(true)}
                >
                  Rename
                </button>
                <button
                  type="button"
                  className="button button--small"
                  onClick={() =>
                    void run(async () => {
                      const saved = await unwrap(
                        getImporter().exportPreset({ presetId: preset.presetId }),
                      );
                      return saved.savedTo ? `Saved to ${saved.savedTo}` : null;
                    })
                  }
                >
                  Export…
                </button>
                <button
                  type="button"
                  className="button button--small button--danger"
                  onClick={() =>
                    void run(async () => {
                      await unwrap(getImporter().removePreset({ presetId: preset.presetId }));
                      return `Deleted “${preset.name}”.`;
                    })
                  }
                >
                  Delete
                </button>
              </>
            )}
          </>
        )}
      </div>
      <p className="muted">
        {preset.columns.length} columns: {preset.columns.slice(0, 8).join(', ')}
        {preset.columns.length > 8 ? '…' : ''}
        {preset.updatedAt ? ` · changed ${formatDateTime(preset.updatedAt)}` : ''}
      </p>
    </li>
  );
}

/** Presets: the user's saved mappings and the built-in ones for common exports. */
export function PresetsScreen(): React.JSX.Element {
  const presets = useRendererState((s) => s.app?.presets);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const id = useId();
  if (!presets) return <section className="page" />;

  async function importPreset(): Promise<void> {
    setMessage(null);
    try {
      const result = await unwrap(getImporter().importPreset());
      const list = await unwrap(getImporter().listPresets());
      setState((s) => (s.app ? { ...s, app: { ...s.app, presets: list } } : s));
      if (result.preset) setMessage({ tone: 'ok', text: `Added preset “${result.preset.name}”.` });
    } catch (e) {
      setMessage({ tone: 'error', text: messageOf(e) });
    }
  }

  const onError = (text: string) => setMessage({ tone: 'error', text });
  const onDone = (text: string) => setMessage({ tone: 'ok', text });

  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <header className="page__header">
        <div className="row">
          <h1 id={`${id}-title`}>Presets</h1>
          <span className="spacer" />
          <button type="button" className="button" onClick={() => void importPreset()}>
            Import a preset file…
          </button>
        </div>
        <p className="muted">
          A preset is a saved mapping. It is proposed when a file with the same columns is chosen.
        </p>
      </header>
      {message && (
        <Notice tone={message.tone}>
          <p>{message.text}</p>
        </Notice>
      )}
      <h2>Your presets</h2>
      {presets.presets.length === 0 ? (
        <p className="muted">None yet. Save one from the Map columns step.</p>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: 8 }}>
          {presets.presets.map((p) => (
            <PresetRow key={p.presetId} preset={p} onError={onError} onDone={onDone} />
          ))}
        </ul>
      )}
      <h2>Built in</h2>
      <ul style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: 8 }}>
        {presets.builtIn.map((p) => (
          <PresetRow key={p.presetId} preset={p} onError={onError} onDone={onDone} />
        ))}
      </ul>
    </section>
  );
}
