/** A labelled progress bar; `value` is null while the total is unknown. */
export function ProgressBar(props: {
  label: string;
  value: number | null;
  max: number;
  done?: boolean;
}): React.JSX.Element {
  const { label, value, max, done } = props;
  const ratio = value === null || max <= 0 ? 0 : Math.min(1, value / max);
  return (
    <div
      className={`progress${done ? ' progress--done' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max > 0 ? max : undefined}
      aria-valuenow={value === null ? undefined : value}
    >
      <div className="progress__bar" style={{ width: `${(ratio * 100).toFixed(2)}%` }} />
    </div>
  );
}
