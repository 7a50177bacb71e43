export interface StepperStep {
  id: string;
  label: string;
}

/** The wizard's steps; the current one is marked for assistive technology. */
export function Stepper(props: { steps: StepperStep[]; current: string }): React.JSX.Element {
  const currentIndex = props.steps.findIndex((s) => s.id === props.current);
  return (
    <nav aria-label="Import steps">
      <ol className="stepper">
        {props.steps.map((step, index) => (
          <li
            key={step.id}
            className="stepper__step"
            aria-current={index === currentIndex ? 'step' : undefined}
            data-done={index < currentIndex ? 'true' : undefined}
          >
            <span className="stepper__number" aria-hidden="true">
              {index < currentIndex ? '✓' : index + 1}
            </span>
            {step.label}
          </li>
        ))}
      </ol>
    </nav>
  );
}
