import { useId, useState, type FormEvent } from 'react';
import type { ConnectionTestResult, TokenKind } from '../../../shared/ipc-contract';
import { Notice } from '../components/notice';
import { getImporter, messageOf, unwrap } from '../state/importer';
import { setState, updateWizard, useRendererState, NO_ITEMS } from '../state/app-store';

interface CredentialsForm {
  websiteId: string;
  identifier: string;
  key: string;
  tokenKind: TokenKind;
  label: string;
}

const emptyForm: CredentialsForm = {
  websiteId: '',
  identifier: '',
  key: '',
  tokenKind: 'website',
  label: '',
};

/**
 * Connect: pick a saved Crisp website, add one (tested before it is saved; the key goes to the
 * system keychain), or try the built-in sandbox.
 */
export function ConnectScreen(props: { standalone?: boolean }): React.JSX.Element {
  const connections = useRendererState((s) => s.app?.connections.connections ?? NO_ITEMS);
  const selected = useRendererState((s) => s.wizard.connectionId);
  const [adding, setAdding] = useState(connections.length === 0);
  const [form, setForm] = useState<CredentialsForm>(emptyForm);
  const [busy, setBusy] = useState<'test' | 'save' | 'sandbox' | null>(null);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const formId = useId();

  const filled = form.websiteId.trim() && form.identifier.trim() && form.key.trim();
  const credentials = () => ({
    websiteId: form.websiteId.trim(),
    identifier: form.identifier.trim(),
    key: form.key.trim(),
    tokenKind: form.tokenKind,
    ...(form.label.trim() ? { label: form.label.trim() } : {}),
  });

  async function test(): Promise<void> {
    setBusy('test');
    setError(null);
    setResult(null);
    try {
      setResult(await unwrap(getImporter().testConnection({ credentials: credentials() })));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  }

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy('save');
    setError(null);
    setResult(null);
    try {
      const saved = await unwrap(getImporter().saveConnection(credentials()));
      const list = await unwrap(getImporter().listConnections());
      setState((s) => (s.app ? { ...s, app: { ...s.app, connections: list } } : s));
      updateWizard({ connectionId: saved.connectionId });
      setForm(emptyForm);
      setAdding(false);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  }

  async function sandbox(): Promise<void> {
    setBusy('sandbox');
    setError(null);
    try {
      const saved = await unwrap(getImporter().useSandbox());
      const list = await unwrap(getImporter().listConnections());
      setState((s) => (s.app ? { ...s, app: { ...s.app, connections: list } } : s));
      updateWizard({ connectionId: saved.connectionId });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  }

  async function remove(connectionId: string): Promise<void> {
    setError(null);
    try {
      const list = await unwrap(getImporter().removeConnection({ connectionId }));
      setState((s) => (s.app ? { ...s, app: { ...s.app, connections: list } } : s));
      if (selected === connectionId) updateWizard({ connectionId: list.defaultConnectionId });
    } catch (e) {
      setError(messageOf(e));
    }
  }

  const field = (name: keyof CredentialsForm) => ({
    id: `${formId}-${name}`,
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });

  return (
    <section className="page" aria-labelledby={`${formId}-title`}>
      <header className="page__header">
        <h1 id={`${formId}-title`}>
          {props.standalone ? 'Crisp connections' : 'Connect to Crisp'}
        </h1>
        <p className="muted">
          Choose the Crisp website to import into. Keys are kept in your computer’s keychain, never
          in a file.
        </p>
      </header>

      {connections.length > 0 && (
        <div className="card">
          <h2>Saved websites</h2>
          <fieldset className="radio-group" style={{ flexDirection: 'column' }}>
            <legend className="visually-hidden">Website to import into</legend>
            {connections.map((c) => (
              <div className="row" key={c.connectionId}>
                <label className="checkbox" style={{ flex: 1 }}>
                  <input
                    type="radio"
                    name="connection"
                    checked={selected === c.connectionId}
                    onChange={() => updateWizard({ connectionId: c.connectionId })}
                  />
                  <span>
                    <strong>{c.label}</strong>{' '}
                    {c.sandbox ? (
                      <span className="badge badge--info">Sandbox</span>
                    ) : (
                      <span className="badge">
                        {c.tokenKind === 'plugin' ? 'Plugin token' : 'Website token'}
                      </span>
                    )}
                    <br />
                    <span className="muted mono">
                      {c.websiteId} · token {c.identifierHint} ·{' '}
                      {new Intl.NumberFormat().format(c.budget.requestsPerDay)} requests a day
                    </span>
                  </span>
                </label>
                <button
                  type="button"
                  className="button button--small button--danger"
                  onClick={() => void remove(c.connectionId)}
                  aria-label={`Remove ${c.label}`}
                >
                  Remove
                </button>
              </div>
            ))}
          </fieldset>
        </div>
      )}

      {error && (
        <Notice tone="error" title="That did not work">
          <p>{error}</p>
        </Notice>
      )}

      {adding ? (
        <form className="card" onSubmit={(e) => void save(e)} aria-labelledby={`${formId}-add`}>
          <div className="card__header">
            <h2 id={`${formId}-add`}>Add a Crisp website</h2>
          </div>
          <p className="muted">
            In Crisp, open Settings › Workspace Settings › Advanced configuration and create a
            website token. The website id is in Settings › Website Settings › Setup instructions.
          </p>
          <div className="grid-2">
            <div className="field">
              <label className="field__label" htmlFor={`${formId}-websiteId`}>
                Website id
              </label>
              <input type="text" autoComplete="off" spellCheck={false} {...field('websiteId')} />
            </div>
            <div className="field">
              <label className="field__label" htmlFor={`${formId}-label`}>
                Name (optional)
              </label>
              <input
                type="text"
                autoComplete="off"
                placeholder="Acme support"
                {...field('label')}
              />
            </div>
            <div className="field">
              <label className="field__label" htmlFor={`${formId}-identifier`}>
                Token identifier
              </label>
              <input type="text" autoComplete="off" spellCheck={false} {...field('identifier')} />
            </div>
            <div className="field">
              <label className="field__label" htmlFor={`${formId}-key`}>
                Token key
              </label>
              <input type="password" autoComplete="off" {...field('key')} />
            </div>
          </div>
          <fieldset className="radio-group">
            <legend className="field__label">Token kind</legend>
            {(['website', 'plugin'] as const).map((kind) => (
              <label className="checkbox" key={kind}>
                <input
                  type="radio"
                  name={`${formId}-kind`}
                  checked={form.tokenKind === kind}
                  onChange={() => setForm({ ...form, tokenKind: kind })}
                />
                {kind === 'website'
                  ? 'Website token (10,000 requests a day)'
                  : 'Plugin token (5,000 requests a day)'}
              </label>
            ))}
          </fieldset>
          {result && (
            <Notice
              tone={result.ok ? 'ok' : 'error'}
              title={result.ok ? 'Connected' : 'Not connected'}
            >
              <p>{result.message}</p>
            </Notice>
          )}
          <div className="page__actions">
            {connections.length > 0 && (
              <button type="button" className="button" onClick={() => setAdding(false)}>
                Cancel
              </button>
            )}
            <button
              type="button"
              className="button"
              disabled={!filled || busy !== null}
              onClick={() => void test()}
            >
              {busy === 'test' ? 'Testing…' : 'Test connection'}
            </button>
            <button
              type="submit"
              className="button button--primary"
              disabled={!filled || busy !== null}
            >
              {busy === 'save' ? 'Testing and saving…' : 'Save website'}
            </button>
          </div>
        </form>
      ) : (
        <div className="page__actions page__actions--start">
          <button type="button" className="button" onClick={() => setAdding(true)}>
            Add a Crisp website
          </button>
        </div>
      )}

      <div className="card">
        <h2>No Crisp account at hand?</h2>
        <p className="muted">
          The sandbox is a pretend Crisp running on this computer. Imports into it change nothing in
          any real Crisp account, so it is the safe way to try a file.
        </p>
        <div className="page__actions page__actions--start">
          <button
            type="button"
            className="button"
            disabled={busy !== null}
            onClick={() => void sandbox()}
          >
            {busy === 'sandbox' ? 'Starting the sandbox…' : 'Try the sandbox'}
          </button>
        </div>
      </div>

      {!props.standalone && (
        <div className="page__actions">
          <button
            type="button"
            className="button button--primary"
            disabled={!selected}
            onClick={() => updateWizard({ step: 'file' })}
          >
            Continue: choose a file
          </button>
        </div>
      )}
    </section>
  );
}
