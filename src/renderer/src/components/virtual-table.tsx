import { useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

export interface VirtualTableColumn<Row> {
  id: string;
  header: string;
  width?: number;
  cell: (row: Row) => ReactNode;
}

/**
 * A table that renders only the rows in view, so a list of a million issues or rows stays
 * smooth. Rows have a fixed height.
 */
export function VirtualTable<Row>(props: {
  label: string;
  columns: VirtualTableColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string;
  rowSeverity?: (row: Row) => 'error' | 'warning' | undefined;
  rowHeight?: number;
  height?: number;
}): React.JSX.Element {
  const { label, columns, rows, rowKey, rowSeverity } = props;
  const rowHeight = props.rowHeight ?? 32;
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns functions that must not be memoized.
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items.length > 0 ? (items[0]?.start ?? 0) : 0;
  const paddingBottom =
    items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  return (
    <div
      className="table-scroll"
      ref={scrollRef}
      style={{ maxHeight: props.height ?? 420 }}
      tabIndex={0}
      role="region"
      aria-label={label}
    >
      <table className="table" aria-rowcount={rows.length + 1}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.id} scope="col" style={c.width ? { width: c.width } : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: paddingTop, padding: 0, border: 0 }} />
            </tr>
          )}
          {items.map((item) => {
            const row = rows[item.index] as Row;
            return (
              <tr
                key={rowKey(row, item.index)}
                aria-rowindex={item.index + 2}
                data-severity={rowSeverity?.(row)}
                style={{ height: rowHeight }}
              >
                {columns.map((c) => (
                  <td key={c.id} className="cell--truncate">
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden="true">
              <td
                colSpan={columns.length}
                style={{ height: paddingBottom, padding: 0, border: 0 }}
              />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
