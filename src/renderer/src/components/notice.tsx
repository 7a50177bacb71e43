import type { ReactNode } from 'react';

export type NoticeTone = 'info' | 'ok' | 'warning' | 'error';

/** A short statement of state and of the next step. Errors are announced to screen readers. */
export function Notice(props: {
  tone: NoticeTone;
  title?: string;
  children?: ReactNode;
  actions?: ReactNode;
}): React.JSX.Element {
  const { tone, title, children, actions } = props;
  return (
    <div className={`notice notice--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="notice__body">
        {title && <p className="notice__title">{title}</p>}
        {children}
      </div>
      {actions && <div className="row">{actions}</div>}
    </div>
  );
}
