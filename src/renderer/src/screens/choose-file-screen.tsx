import { useId, useState, type DragEvent } from 'react';
import {
  CSV_DELIMITERS,
  CSV_ENCODINGS,
  type CsvDelimiter,
  type CsvEncoding,
} from '../../../shared/csv-format';
import type {
  CsvFormatOverrides,
  FileInspection,
  PreviewRecord,
} from '../../../shared/ipc-contract';
import { Notice } from '../components/notice';
import { VirtualTable, type VirtualTableColumn } from '../components/virtual-table';
import { delimiterName, encodingName, formatBytes, plural } from '../components/labels';
import { getImporter, messageOf, unwrap } from '../state/importer';
import { takeFile, updateWizard, useRendererState } from '../state/app-store';

/**
 * The row holding the column names, as the spreadsheet numbers it: title lines above it (a
 * report's name, a "Notes:" paragraph, Excel's sep= line) are skipped. Applied on Enter or when
 * the field is left.
 */
function HeaderRowField(props: {
  id: string;
  row: number;
  detected: number | null;
  disabled: boolean;
  onChoose: (row: number) => void;
}): React.JSX.Element {
  const [draft, setDraft] = useState(String(props.row));
  const apply = () => {
    const row = Number(draft);
    if (Number.isInteger(row) && row >= 1 && row <= 100_000 && row !== props.row) {
      props.onChoose(row);
    } else setDraft(String(props.row));
  };
  return (
    <div className="field__inline">
      <label htmlFor={props.id}>On row</label>
      <input
        id={props.id}
        type="number"
        inputMode="numeric"
        min={1}
        max={100_000}
        value={draft}
        disabled={props.disabled}
        aria-describedby={`${props.id}-hint`}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
      />
      <span id={`${props.id}-hint`} className="muted">
        {[
          props.detected === props.row ? 'detected' : '',
          props.row > 1 ? 'rows above it are skipped' : '',
        ]
          .filter(Boolean)
          .join('; ')
          .replace(/^(.+)$/, '($1)')}
      </span>
    </div>
  );
}

/** An Excel workbook's sheets: the one read (the first that holds emails, unless chosen). */
function SheetField(props: {
  id: string;
  sheets: FileInspection['sheets'];
  value: string;
  detected: string | null;
  disabled: boolean;
  onChoose: (sheet: string) => void;
}): React.JSX.Element {
  return (
    <div className="field">
      <label className="field__label" htmlFor={props.id}>
        Sheet
      </label>
      <select
        id={props.id}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChoose(e.target.value)}
      >
        {props.sheets.map((sheet) => (
          <option key={sheet.number} value={sheet.name}>
            {sheet.number}. {sheet.name}
            {sheet.name === props.detected ? ' (holds emails)' : ''}
          </option>
        ))}
      </select>
      <span className="muted">
        {props.sheets.length === 1
          ? 'The workbook has one sheet.'
          : `${props.sheets.length} sheets in this workbook.`}
      </span>
    </div>
  );
}

/** A CSV file's encoding and separator, detected and changeable. */
function CsvReadingFields(props: {
  id: string;
  inspection: FileInspection;
  disabled: boolean;
  onOverride: (patch: CsvFormatOverrides) => void;
}): React.JSX.Element {
  const { id, inspection } = props;
  return (
    <>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-encoding`}>
          Encoding
        </label>
        <select
          id={`${id}-encoding`}
          value={inspection.format.encoding}
          disabled={props.disabled}
          onChange={(e) => props.onOverride({ encoding: e.target.value as CsvEncoding })}
        >
          {CSV_ENCODINGS.map((enc) => (
            <option key={enc} value={enc}>
              {encodingName[enc]}
              {enc === inspection.detected.encoding ? ' (detected)' : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-delimiter`}>
          Separator
        </label>
        <select
          id={`${id}-delimiter`}
          value={inspection.format.delimiter}
          disabled={props.disabled}
          onChange={(e) => props.onOverride({ delimiter: e.target.value as CsvDelimiter })}
        >
          {CSV_DELIMITERS.map((d) => (
            <option key={d} value={d}>
              {delimiterName[d]}
              {d === inspection.detected.delimiter ? ' (detected)' : ''}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

/**
 * Choose file: the native dialog or a drop. Shows what was detected (encoding, separator, header)
 * with overrides, and a live preview that follows them: the same reader the import uses.
 */
export function ChooseFileScreen(): React.JSX.Element {
  const wizard = useRendererState((s) => s.wizard);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const inspection = wizard.inspection;

  async function run(action: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  const choose = () =>
    run(async () => {
      const choice = await unwrap(getImporter().chooseFile());
      if (choice.file) await takeFile(choice.file);
    });

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (!file) return;
    void run(async () => {
      const ref = await unwrap(getImporter().openDroppedFile(file));
      await takeFile(ref);
    });
  };

  const override = (patch: CsvFormatOverrides) =>
    run(async () => {
      if (!wizard.file) return;
      const overrides: CsvFormatOverrides = { ...wizard.overrides, ...patch };
      // Without a header row there is no header row number to keep; another sheet has its own.
      if (patch.header === false || patch.sheet !== undefined) delete overrides.headerRow;
      const next = await unwrap(
        getImporter().inspectFile({ fileId: wizard.file.fileId, overrides }),
      );
      updateWizard({ overrides, inspection: next, proposal: null, mapping: null, checkId: null });
    });

  const next = () =>
    run(async () => {
      if (!wizard.file) return;
      const proposal = await unwrap(
        getImporter().proposeMapping({ fileId: wizard.file.fileId, overrides: wizard.overrides }),
      );
      updateWizard({
        proposal,
        mapping: proposal.mapping,
        presetId: proposal.proposedPreset?.preset.presetId ?? null,
        step: 'map',
      });
    });

  const columns: VirtualTableColumn<PreviewRecord>[] = inspection
    ? [
        { id: 'row', header: 'Row', width: 60, cell: (r) => r.row },
        ...inspection.columns.map((name, index) => ({
          id: `c${index}`,
          header: name,
          cell: (r: PreviewRecord) => r.cells[index] ?? '',
        })),
      ]
    : [];

  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <header className="page__header">
        <h1 id={`${id}-title`}>Choose a file</h1>
        <p className="muted">
          A CSV file exported from a shop, a CRM or a spreadsheet, or an Excel workbook (.xlsx) as
          it is. Any size works: the file is read from your disk as the import goes.
        </p>
      </header>

      <div
        className="dropzone"
        data-active={dragging ? 'true' : undefined}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          <strong>Drop a CSV file or an Excel workbook here</strong>{' '}
          <span className="muted">or</span>
        </p>
        <button
          type="button"
          className="button button--primary"
          disabled={busy}
          onClick={() => void choose()}
        >
          Choose a file…
        </button>
        {wizard.file && (
          <p className="muted">
            <strong>{wizard.file.name}</strong> · {formatBytes(wizard.file.sizeBytes)} ·{' '}
            <span className="mono">{wizard.file.displayPath}</span>
          </p>
        )}
      </div>

      {error && (
        <Notice tone="error" title="This file cannot be used">
          <p>{error}</p>
        </Notice>
      )}

      {inspection && (
        <>
          {inspection.notice && (
            <Notice tone="info">
              <p>{inspection.notice}</p>
            </Notice>
          )}
          <div className="card">
            <div className="card__header">
              <h2>How the file is read</h2>
              <span className="muted">
                Detected automatically. Change it if the preview looks wrong.
              </span>
            </div>
            <div className="grid-3">
              {inspection.sheets.length > 0 ? (
                <SheetField
                  id={`${id}-sheet`}
                  sheets={inspection.sheets}
                  value={inspection.format.sheet ?? ''}
                  detected={inspection.detected.sheet ?? null}
                  disabled={busy}
                  onChoose={(sheet) => void override({ sheet })}
                />
              ) : (
                <CsvReadingFields
                  id={id}
                  inspection={inspection}
                  disabled={busy}
                  onOverride={(patch) => void override(patch)}
                />
              )}
              <div className="field">
                <span className="field__label" id={`${id}-header-label`}>
                  Column names
                </span>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={inspection.format.header}
                    disabled={busy}
                    onChange={(e) => void override({ header: e.target.checked })}
                    aria-describedby={`${id}-header-label`}
                  />
                  Skip header (a row holds the column names)
                </label>
                {inspection.format.header && (
                  <HeaderRowField
                    key={inspection.format.headerRow ?? 1}
                    id={`${id}-header-row`}
                    row={inspection.format.headerRow ?? 1}
                    detected={inspection.detected.headerRow ?? null}
                    disabled={busy}
                    onChoose={(headerRow) => void override({ header: true, headerRow })}
                  />
                )}
              </div>
            </div>
          </div>

          <div className="card">
            <div className="card__header">
              <h2>First rows</h2>
              <span className="muted">
                {plural(inspection.columns.length, 'column', 'columns')} ·{' '}
                {plural(inspection.records.length, 'row shown', 'rows shown')}
              </span>
            </div>
            <VirtualTable
              label="First rows of the file"
              columns={columns}
              rows={inspection.records}
              rowKey={(r) => String(r.row)}
              height={320}
            />
            {inspection.issues.length > 0 && (
              <Notice tone="warning" title="Some of these rows have problems">
                <ul>
                  {inspection.issues.slice(0, 8).map((issue, i) => (
                    <li key={i}>
                      Row {issue.row}
                      {issue.column ? `, ${issue.column}` : ''}: {issue.message}
                    </li>
                  ))}
                </ul>
              </Notice>
            )}
          </div>
        </>
      )}

      <div className="page__actions">
        <button type="button" className="button" onClick={() => updateWizard({ step: 'connect' })}>
          Back
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={!inspection || busy}
          onClick={() => void next()}
        >
          Continue: map columns
        </button>
      </div>
    </section>
  );
}
