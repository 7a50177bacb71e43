import { useEffect, useId, useState } from 'react';
import { CRISP_FIELDS, type CrispFieldId } from '../../../shared/crisp-fields';
import type {
  ColumnMapping,
  ColumnTarget,
  ImportMapping,
  SegmentSeparator,
} from '../../../shared/column-mapping';
import type { MappingValidation, PresetMatch } from '../../../shared/ipc-contract';
import { checkDataKey, suggestDataKey } from '../../../shared/contact-rules/data-key';
import { DATE_FORMAT_CHOICES } from '../../../shared/contact-rules/import-date';
import { Notice } from '../components/notice';
import { getImporter, messageOf, unwrap } from '../state/importer';
import { setState, updateWizard, useRendererState, NO_ITEMS } from '../state/app-store';

const DATE_FIELDS: ReadonlySet<CrispFieldId> = new Set(['created_at', 'last_active_at']);

const SEGMENT_SEPARATORS: { value: SegmentSeparator; label: string }[] = [
  { value: 'any', label: '| , or space' },
  { value: '|', label: 'Pipe ( | ) only' },
  { value: ',', label: 'Comma only' },
  { value: ';', label: 'Semicolon only' },
  { value: ' ', label: 'Space only' },
  { value: ' ::: ', label: 'Google’s  :::  only' },
  { value: 'quoted-comma', label: 'Quoted, comma separated' },
];

function targetValue(target: ColumnTarget): string {
  switch (target.kind) {
    case 'field':
      return `field:${target.field}`;
    case 'data':
      return 'data';
    case 'segment_if_yes':
      return 'segment_if_yes';
    case 'ignore':
      return 'ignore';
  }
}

function describePresetMatch(match: PresetMatch): string {
  if (match.preset.builtIn) return `This looks like a ${match.preset.name} export.`;
  return `Your preset “${match.preset.name}” fits this file.`;
}

/**
 * Map columns: each column of the file becomes a Crisp field, a custom data key, or is left
 * out. The mapping is proposed (from a preset when one fits) and checked as it changes.
 */
export function MapColumnsScreen(): React.JSX.Element {
  const wizard = useRendererState((s) => s.wizard);
  const presetList = useRendererState((s) => s.app?.presets.presets ?? NO_ITEMS);
  const [validation, setValidation] = useState<MappingValidation | null>(null);
  const [presetName, setPresetName] = useState('');
  const [notice, setNotice] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const proposal = wizard.proposal;
  const mapping = wizard.mapping;
  const columnNames = proposal?.columns.map((c) => c.name);

  useEffect(() => {
    if (!mapping || !columnNames) return;
    let stale = false;
    const timer = setTimeout(() => {
      void getImporter()
        .validateMapping({ columns: columnNames, mapping })
        .then((result) => {
          if (!stale && result.ok) setValidation(result.value);
        });
    }, 150);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
    // columnNames is derived from proposal; mapping identity changes on every edit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mapping, proposal]);

  if (!proposal || !mapping) {
    return (
      <section className="page">
        <h1>Map columns</h1>
        <Notice tone="info">
          <p>Choose a file first.</p>
        </Notice>
      </section>
    );
  }

  const setMapping = (next: ImportMapping) => updateWizard({ mapping: next });
  const columnFor = (index: number): ColumnMapping | undefined =>
    mapping.columns.find((c) => c.index === index);
  const setColumn = (index: number, name: string, patch: Partial<ColumnMapping>) => {
    const existing = columnFor(index);
    const others = mapping.columns.filter((c) => c.index !== index);
    const base: ColumnMapping = existing ?? { column: name, index, target: { kind: 'ignore' } };
    const columns = [...others, { ...base, ...patch }].sort((a, b) => a.index - b.index);
    setMapping({ ...mapping, columns });
  };
  const chooseTarget = (index: number, name: string, value: string) => {
    if (value === 'ignore') setColumn(index, name, { target: { kind: 'ignore' } });
    else if (value === 'data')
      setColumn(index, name, { target: { kind: 'data', key: suggestDataKey(name) } });
    else if (value === 'segment_if_yes')
      setColumn(index, name, { target: { kind: 'segment_if_yes', segment: suggestDataKey(name) } });
    else
      setColumn(index, name, {
        target: { kind: 'field', field: value.slice('field:'.length) as CrispFieldId },
      });
  };

  const applyPreset = (match: PresetMatch) => {
    updateWizard({ mapping: match.mapping, presetId: match.preset.presetId });
    setNotice({ tone: 'ok', text: `Mapping taken from “${match.preset.name}”.` });
  };

  const appliedPreset = presetList.find((p) => p.presetId === wizard.presetId && !p.builtIn);

  async function savePreset(overwrite: boolean): Promise<void> {
    if (!mapping || !columnNames) return;
    setBusy(true);
    setNotice(null);
    try {
      const saved = await unwrap(
        getImporter().savePreset({
          name: overwrite && appliedPreset ? appliedPreset.name : presetName.trim(),
          columns: columnNames,
          mapping,
          // The row of the column names is kept, detected or chosen (a report with title lines).
          format: {
            ...wizard.overrides,
            ...(wizard.inspection?.format.header
              ? { headerRow: wizard.inspection.format.headerRow ?? 1 }
              : wizard.inspection
                ? { header: false }
                : {}),
          },
          ...(overwrite && appliedPreset ? { presetId: appliedPreset.presetId } : {}),
        }),
      );
      const presets = await unwrap(getImporter().listPresets());
      setState((s) => (s.app ? { ...s, app: { ...s.app, presets } } : s));
      updateWizard({ presetId: saved.presetId });
      setPresetName('');
      setNotice({
        tone: 'ok',
        text: `Saved as preset “${saved.name}”. It will be proposed for files with the same columns.`,
      });
    } catch (e) {
      setNotice({ tone: 'error', text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  }

  const problems = validation?.problems ?? [];
  const problemsFor = (name: string) => problems.filter((p) => p.column === name);
  const general = problems.filter((p) => p.column === null);
  const blocked = validation ? !validation.ok : true;
  const proposed = proposal.proposedPreset;

  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <header className="page__header">
        <h1 id={`${id}-title`}>Map columns</h1>
        <p className="muted">
          Say what each column is in Crisp. Email is required; columns left on “Don’t import” are
          skipped.
        </p>
      </header>

      {proposed && (
        <Notice
          tone="info"
          title={describePresetMatch(proposed)}
          actions={
            wizard.presetId !== proposed.preset.presetId ? (
              <button
                type="button"
                className="button button--small"
                onClick={() => applyPreset(proposed)}
              >
                Use this preset
              </button>
            ) : undefined
          }
        >
          {wizard.presetId === proposed.preset.presetId && <p>Its mapping is applied below.</p>}
          {proposed.missingColumns.length > 0 && (
            <p>
              This file has no {proposed.missingColumns.map((c) => `“${c}”`).join(', ')} column
              {proposed.missingColumns.length > 1 ? 's' : ''}:{' '}
              {proposed.missingColumns.length > 1 ? 'they are' : 'it is'} left out.
            </p>
          )}
        </Notice>
      )}

      {proposal.presetMatches.length > 1 && (
        <div className="row">
          <label className="field__label" htmlFor={`${id}-preset`}>
            Other presets that fit
          </label>
          <select
            id={`${id}-preset`}
            value=""
            onChange={(e) => {
              const match = proposal.presetMatches.find(
                (m) => m.preset.presetId === e.target.value,
              );
              if (match) applyPreset(match);
            }}
          >
            <option value="">Choose a preset…</option>
            {proposal.presetMatches.map((m) => (
              <option key={m.preset.presetId} value={m.preset.presetId}>
                {m.preset.name} ({Math.round(m.score * 100)}% of its columns found)
              </option>
            ))}
          </select>
        </div>
      )}

      {general.map((p, i) => (
        <Notice key={i} tone={p.severity === 'error' ? 'error' : 'warning'}>
          <p>{p.message}</p>
        </Notice>
      ))}

      <div className="card">
        <div className="table-scroll" style={{ maxHeight: 'none' }}>
          <table className="table">
            <caption className="visually-hidden">
              Columns of the file and what they become in Crisp
            </caption>
            <thead>
              <tr>
                <th scope="col">Column in the file</th>
                <th scope="col">Sample values</th>
                <th scope="col">Becomes in Crisp</th>
                <th scope="col">Options</th>
              </tr>
            </thead>
            <tbody>
              {proposal.columns.map((column) => {
                const entry = columnFor(column.index);
                const target = entry?.target ?? { kind: 'ignore' as const };
                const selectId = `${id}-target-${column.index}`;
                const columnProblems = problemsFor(column.name);
                const keyCheck = target.kind === 'data' ? checkDataKey(target.key) : null;
                return (
                  <tr
                    key={column.index}
                    data-severity={
                      columnProblems.some((p) => p.severity === 'error') ? 'error' : undefined
                    }
                  >
                    <td>
                      <label htmlFor={selectId}>
                        <strong>{column.name}</strong>
                      </label>
                    </td>
                    <td className="muted" style={{ maxWidth: 260 }}>
                      {column.samples.length > 0 ? (
                        column.samples.slice(0, 3).join(' · ')
                      ) : (
                        <em>empty in the first rows</em>
                      )}
                    </td>
                    <td>
                      <select
                        id={selectId}
                        value={targetValue(target)}
                        onChange={(e) => chooseTarget(column.index, column.name, e.target.value)}
                        aria-invalid={
                          columnProblems.some((p) => p.severity === 'error') || undefined
                        }
                      >
                        <option value="ignore">Don’t import</option>
                        <optgroup label="Crisp fields">
                          {CRISP_FIELDS.map((f) => (
                            <option key={f.id} value={`field:${f.id}`}>
                              {f.label}
                            </option>
                          ))}
                        </optgroup>
                        <optgroup label="Other">
                          <option value="data">Custom data key…</option>
                          <option value="segment_if_yes">Add a segment when “yes”…</option>
                        </optgroup>
                      </select>
                      {columnProblems.map((p, i) => (
                        <p
                          key={i}
                          className={p.severity === 'error' ? 'field__error' : 'field__hint'}
                        >
                          {p.message}{' '}
                          {p.suggestedKey && (
                            <button
                              type="button"
                              className="button button--link"
                              onClick={() =>
                                setColumn(column.index, column.name, {
                                  target: { kind: 'data', key: p.suggestedKey ?? '' },
                                })
                              }
                            >
                              Use “{p.suggestedKey}”
                            </button>
                          )}
                        </p>
                      ))}
                    </td>
                    <td>
                      {target.kind === 'data' && (
                        <div className="field">
                          <label className="field__hint" htmlFor={`${selectId}-key`}>
                            Custom data key
                          </label>
                          <input
                            id={`${selectId}-key`}
                            type="text"
                            className="mono"
                            value={target.key}
                            aria-invalid={keyCheck && !keyCheck.ok ? true : undefined}
                            onChange={(e) =>
                              setColumn(column.index, column.name, {
                                target: { kind: 'data', key: e.target.value },
                              })
                            }
                          />
                          {keyCheck &&
                            !keyCheck.ok &&
                            !columnProblems.some((p) => p.suggestedKey) && (
                              <p className="field__error">
                                {keyCheck.message}{' '}
                                <button
                                  type="button"
                                  className="button button--link"
                                  onClick={() =>
                                    setColumn(column.index, column.name, {
                                      target: { kind: 'data', key: keyCheck.suggestion },
                                    })
                                  }
                                >
                                  Use “{keyCheck.suggestion}”
                                </button>
                              </p>
                            )}
                        </div>
                      )}
                      {target.kind === 'segment_if_yes' && (
                        <div className="field">
                          <label className="field__hint" htmlFor={`${selectId}-segment`}>
                            Segment to add
                          </label>
                          <input
                            id={`${selectId}-segment`}
                            type="text"
                            value={target.segment}
                            onChange={(e) =>
                              setColumn(column.index, column.name, {
                                target: { kind: 'segment_if_yes', segment: e.target.value },
                              })
                            }
                          />
                        </div>
                      )}
                      {target.kind === 'field' && target.field === 'segments' && (
                        <div className="field">
                          <label className="field__hint" htmlFor={`${selectId}-sep`}>
                            Several segments separated by
                          </label>
                          <select
                            id={`${selectId}-sep`}
                            value={entry?.segmentSeparator ?? 'any'}
                            onChange={(e) =>
                              setColumn(column.index, column.name, {
                                segmentSeparator: e.target.value as SegmentSeparator,
                              })
                            }
                          >
                            {SEGMENT_SEPARATORS.map((s) => (
                              <option key={s.value} value={s.value}>
                                {s.label}
                              </option>
                            ))}
                          </select>
                        </div>
                      )}
                      {((target.kind === 'field' && DATE_FIELDS.has(target.field)) ||
                        entry?.dateFormat) && (
                        <div className="field">
                          <label className="field__hint" htmlFor={`${selectId}-date`}>
                            Date format
                          </label>
                          <select
                            id={`${selectId}-date`}
                            value={entry?.dateFormat ?? 'auto'}
                            onChange={(e) =>
                              setColumn(column.index, column.name, {
                                dateFormat: e.target.value as ColumnMapping['dateFormat'],
                              })
                            }
                          >
                            <option value="auto">ISO 8601 or UNIX timestamp</option>
                            {DATE_FORMAT_CHOICES.map((d) => (
                              <option key={d.format} value={d.format}>
                                {d.label}
                              </option>
                            ))}
                          </select>
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={mapping.emptyCells === 'keep'}
            onChange={(e) =>
              setMapping({ ...mapping, emptyCells: e.target.checked ? 'keep' : 'clear' })
            }
          />
          <span>
            Keep existing custom data when a cell is empty
            <br />
            <span className="muted">
              By default an empty cell clears that value on a contact that already exists, as in
              Crisp’s own importer.
            </span>
          </span>
        </label>
      </div>

      <div className="card">
        <h2>Save this mapping as a preset</h2>
        <p className="muted">
          Next time a file with the same columns is chosen, the preset is proposed.
        </p>
        <div className="row">
          <label className="visually-hidden" htmlFor={`${id}-preset-name`}>
            Preset name
          </label>
          <input
            id={`${id}-preset-name`}
            type="text"
            placeholder="Preset name, e.g. Monthly shop export"
            value={presetName}
            onChange={(e) => setPresetName(e.target.value)}
            style={{ maxWidth: 360 }}
          />
          <button
            type="button"
            className="button"
            disabled={busy || presetName.trim() === ''}
            onClick={() => void savePreset(false)}
          >
            Save preset
          </button>
          {appliedPreset && (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void savePreset(true)}
            >
              Update “{appliedPreset.name}”
            </button>
          )}
        </div>
        {notice && (
          <Notice tone={notice.tone}>
            <p>{notice.text}</p>
          </Notice>
        )}
      </div>

      <div className="page__actions">
        <button type="button" className="button" onClick={() => updateWizard({ step: 'file' })}>
          Back
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={blocked}
          onClick={() => updateWizard({ step: 'preview', checkId: null })}
        >
          Continue: preview
        </button>
      </div>
    </section>
  );
}
