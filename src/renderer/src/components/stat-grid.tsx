export interface StatItem {
  label: string;
  value: string | number;
}

const numberFormat = new Intl.NumberFormat();

export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** Large figures with a caption, e.g. "1,204 created". */
export function StatGrid(props: { items: StatItem[]; label: string }): React.JSX.Element {
  return (
    <dl className="stats" aria-label={props.label}>
      {props.items.map((item) => (
        <div className="stat" key={item.label}>
          <dt className="stat__label">{item.label}</dt>
          <dd className="stat__value" style={{ margin: 0 }}>
            {typeof item.value === 'number' ? formatCount(item.value) : item.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
