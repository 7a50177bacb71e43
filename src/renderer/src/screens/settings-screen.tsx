import { useId, useState } from 'react';
import type {
  ConnectionSummary,
  SettingsUpdate,
  ThemePreference,
} from '../../../shared/ipc-contract';
import { Notice } from '../components/notice';
import { getImporter, messageOf, unwrap } from '../state/importer';
import { applyTheme, setState, useRendererState, NO_ITEMS } from '../state/app-store';

function BudgetEditor(props: {
  connection: ConnectionSummary;
  onSave: (update: SettingsUpdate) => Promise<void>;
}): React.JSX.Element {
  const { connection } = props;
  const [perDay, setPerDay] = useState(String(connection.budget.requestsPerDay));
  const [reserve, setReserve] = useState(String(connection.budget.reserve));
  const id = useId();
  const perDayValue = Number.parseInt(perDay, 10);
  const reserveValue = Number.parseInt(reserve, 10);
  const valid =
    Number.isInteger(perDayValue) &&
    perDayValue > 0 &&
    Number.isInteger(reserveValue) &&
    reserveValue >= 0 &&
    reserveValue < perDayValue;
  return (
    <fieldset className="card" style={{ boxShadow: 'none' }}>
      <legend className="field__label">{connection.label}</legend>
      <div className="grid-3">
        <div className="field">
          <label className="field__label" htmlFor={`${id}-day`}>
            Requests a day
          </label>
          <input
            id={`${id}-day`}
            type="number"
            min={1}
            value={perDay}
            onChange={(e) => setPerDay(e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-reserve`}>
            Left for other tools
          </label>
          <input
            id={`${id}-reserve`}
            type="number"
            min={0}
            value={reserve}
            onChange={(e) => setReserve(e.target.value)}
          />
        </div>
        <div className="field" style={{ justifyContent: 'flex-end' }}>
          <button
            type="button"
            className="button"
            disabled={!valid}
            onClick={() =>
              void props.onSave({
                budget: {
                  connectionId: connection.connectionId,
                  budget: { requestsPerDay: perDayValue, reserve: reserveValue },
                },
              })
            }
          >
            Save budget
          </button>
        </div>
      </div>
      {!valid && (
        <p className="field__error">
          The reserve must be smaller than the requests a day, and both whole numbers.
        </p>
      )}
    </fieldset>
  );
}

/** Settings: theme, empty-cell policy, notifications, and each website's daily budget. */
export function SettingsScreen(): React.JSX.Element {
  const settings = useRendererState((s) => s.app?.settings);
  const connections = useRendererState((s) => s.app?.connections.connections ?? NO_ITEMS);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const id = useId();
  if (!settings) return <section className="page" />;

  async function save(update: SettingsUpdate): Promise<void> {
    setMessage(null);
    const previous = settings;
    const { budget: _budget, ...shown } = update;
    // Show the choice at once; main's answer confirms it (or it is put back with the reason).
    if (previous && Object.keys(shown).length > 0) {
      const next = { ...previous, ...shown };
      if (shown.theme) applyTheme(shown.theme);
      setState((s) => (s.app ? { ...s, app: { ...s.app, settings: next } } : s));
    }
    try {
      const next = await unwrap(getImporter().updateSettings(update));
      applyTheme(next.theme);
      const list = await unwrap(getImporter().listConnections());
      setState((s) => (s.app ? { ...s, app: { ...s.app, settings: next, connections: list } } : s));
      setMessage({ tone: 'ok', text: 'Saved.' });
    } catch (e) {
      if (previous) {
        applyTheme(previous.theme);
        setState((s) => (s.app ? { ...s, app: { ...s.app, settings: previous } } : s));
      }
      setMessage({ tone: 'error', text: messageOf(e) });
    }
  }

  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <header className="page__header">
        <h1 id={`${id}-title`}>Settings</h1>
      </header>
      {message && (
        <Notice tone={message.tone}>
          <p>{message.text}</p>
        </Notice>
      )}
      <div className="card">
        <fieldset className="radio-group">
          <legend className="field__label">Appearance</legend>
          {(['system', 'light', 'dark'] as ThemePreference[]).map((theme) => (
            <label className="checkbox" key={theme}>
              <input
                type="radio"
                name={`${id}-theme`}
                checked={settings.theme === theme}
                onChange={() => void save({ theme })}
              />
              {theme === 'system' ? 'Same as the system' : theme === 'light' ? 'Light' : 'Dark'}
            </label>
          ))}
        </fieldset>
      </div>
      <div className="card">
        <fieldset className="radio-group" style={{ flexDirection: 'column' }}>
          <legend className="field__label">When a custom data cell is empty</legend>
          <label className="checkbox">
            <input
              type="radio"
              name={`${id}-empty`}
              checked={settings.emptyCells === 'clear'}
              onChange={() => void save({ emptyCells: 'clear' })}
            />
            Clear that value on a contact that already exists (Crisp’s own rule)
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name={`${id}-empty`}
              checked={settings.emptyCells === 'keep'}
              onChange={() => void save({ emptyCells: 'keep' })}
            />
            Keep the existing value
          </label>
        </fieldset>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.notifications}
            onChange={(e) => void save({ notifications: e.target.checked })}
          />
          Notify me when a long import ends or needs attention
        </label>
      </div>
      <div className="card">
        <h2>Daily request budget</h2>
        <p className="muted">
          Crisp allows a fixed number of requests a day per token (10,000 for a website token, 5,000
          for a plugin token). Leave some for other tools that use the same token.
        </p>
        {connections.length === 0 && <p className="muted">No website connected yet.</p>}
        {connections.map((c) => (
          <BudgetEditor
            key={`${c.connectionId}-${c.budget.requestsPerDay}-${c.budget.reserve}`}
            connection={c}
            onSave={save}
          />
        ))}
      </div>
    </section>
  );
}
