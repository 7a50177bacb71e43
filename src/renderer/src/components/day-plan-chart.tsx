import type { DayPlan, PlannedDay } from '../../../shared/day-plan';
import { aboutDuration, describeDayPlan, formatDay } from '../../../shared/day-plan';
import { plural } from './labels';

const numberFormat = new Intl.NumberFormat();
const count = (n: number): string => numberFormat.format(n);

/** "About 6 days, finishing around Mon 7 Dec" in the person's locale, first letter capitalized. */
export function dayPlanSentence(plan: DayPlan, now: number = Date.now()): string {
  const words = describeDayPlan(plan, now, { locale: undefined });
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "less than a day (about 40 minutes of sending)", "about 6 days, finishing around Mon 7 Dec". */
export function dayPlanPhrase(plan: DayPlan, now: number = Date.now()): string {
  const last = plan.days[plan.days.length - 1];
  if (last && last.day === 0 && plan.finishesAt) {
    const sending = aboutDuration((Date.parse(plan.finishesAt) - now) / 1000);
    return `less than a day (${sending} of sending)`;
  }
  return describeDayPlan(plan, now, { locale: undefined });
}

function dayLabel(day: PlannedDay): string {
  return day.day === 0 ? 'Today' : formatDay(Date.parse(day.startsAt), { locale: undefined });
}

function share(part: number, whole: number): string {
  return `${whole > 0 ? Math.min(100, (part / whole) * 100).toFixed(2) : 0}%`;
}

/** One day's bar: what was spent before, then this import's part, on the day's allowance. */
function DayBar(props: { spent: number; sends: number; allowance: number }): React.JSX.Element {
  const { spent, sends, allowance } = props;
  return (
    <div className="day-plan__bar" aria-hidden="true">
      {spent > 0 && <span className="day-plan__spent" style={{ width: share(spent, allowance) }} />}
      {sends > 0 && <span className="day-plan__sends" style={{ width: share(sends, allowance) }} />}
    </div>
  );
}

function barText(day: PlannedDay): string {
  const parts: string[] = [];
  if (day.spent > 0) parts.push(`${count(day.spent)} already used`);
  parts.push(`${count(day.requests)} for this import`);
  return `${parts.join(', ')}, of ${count(day.allowance)}`;
}

/**
 * The plan as a picture: a bar per day of quota (today's already spent part hatched), the
 * requests and contacts of each day, and the days saved by unchanged rows drawn dashed. A table
 * underneath, so the picture has its text: every figure is in a cell, the bars are decoration.
 */
export function DayPlanChart(props: {
  plan: DayPlan;
  /** What the heading calls the plan, e.g. "Day by day". */
  title: string;
  now?: number;
}): React.JSX.Element | null {
  const { plan, title } = props;
  if (plan.requests === 0 && !plan.saved) return null;
  // The plan's own "now": today starts when it was made.
  const now = props.now ?? (plan.days[0] ? Date.parse(plan.days[0].startsAt) : 0);
  const last = plan.days[plan.days.length - 1];
  const firstReset = plan.days.find((d) => d.day === 1);
  const resetTime = firstReset
    ? new Date(firstReset.startsAt).toLocaleTimeString(undefined, {
        hour: '2-digit',
        minute: '2-digit',
      })
    : null;
  const showsSpent = plan.days.some((d) => d.spent > 0);
  return (
    <figure className="day-plan">
      <figcaption className="day-plan__caption">
        <strong>{title}</strong>
        <span>{dayPlanSentence(plan, now)}.</span>
      </figcaption>
      <table className="day-plan__table">
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">
              Daily quota <span className="muted">({count(plan.requestsPerDay)} requests)</span>
            </th>
            <th scope="col" className="day-plan__figure">
              Requests
            </th>
            <th scope="col" className="day-plan__figure">
              Contacts
            </th>
          </tr>
        </thead>
        <tbody>
          {plan.days.map((day) => (
            <DayRow
              key={day.day}
              day={day}
              hiddenBefore={
                plan.hidden && day === last && plan.days.length > 1 ? plan.hidden : null
              }
              perDay={plan.requestsPerDay}
            />
          ))}
          {plan.saved && plan.saved.days > 0 && (
            <tr className="day-plan__saved-row">
              <th scope="row">{plural(plan.saved.days, 'day', 'days')} saved</th>
              <td>
                <div className="day-plan__bar day-plan__bar--saved" aria-hidden="true">
                  <span className="day-plan__saved" style={{ width: '100%' }} />
                </div>
                <span className="visually-hidden">
                  not sent: rows unchanged since the last import
                </span>
              </td>
              <td className="day-plan__figure">{count(plan.saved.requests)}</td>
              <td className="day-plan__figure">{count(plan.saved.rows)}</td>
            </tr>
          )}
        </tbody>
      </table>
      <ul className="day-plan__legend" aria-hidden="true">
        <li>
          <span className="day-plan__swatch day-plan__sends" /> This import
        </li>
        {showsSpent && (
          <li>
            <span className="day-plan__swatch day-plan__spent" /> Already used today
          </li>
        )}
        {plan.saved && plan.saved.days > 0 && (
          <li>
            <span className="day-plan__swatch day-plan__saved" /> Saved: unchanged rows are not sent
            again
          </li>
        )}
      </ul>
      {resetTime && (
        <p className="muted">
          Each new day of quota starts at {resetTime} your time, when Crisp resets it; the import
          waits for it and carries on by itself.
        </p>
      )}
    </figure>
  );
}

function DayRow(props: {
  day: PlannedDay;
  hiddenBefore: DayPlan['hidden'];
  perDay: number;
}): React.JSX.Element {
  const { day, hiddenBefore, perDay } = props;
  return (
    <>
      {hiddenBefore && (
        <tr className="day-plan__more">
          <th scope="row">{plural(hiddenBefore.days, 'more day', 'more days')}</th>
          <td>
            <DayBar spent={0} sends={perDay} allowance={perDay} />
            <span className="visually-hidden">
              {count(Math.round(hiddenBefore.requests / hiddenBefore.days))} requests a day
            </span>
          </td>
          <td className="day-plan__figure">{count(hiddenBefore.requests)}</td>
          <td className="day-plan__figure">{count(hiddenBefore.contacts)}</td>
        </tr>
      )}
      <tr>
        <th scope="row">{dayLabel(day)}</th>
        <td>
          <DayBar spent={day.spent} sends={day.requests} allowance={day.allowance} />
          <span className="visually-hidden">{barText(day)}</span>
        </td>
        <td className="day-plan__figure">{count(day.requests)}</td>
        <td className="day-plan__figure">{count(day.contacts)}</td>
      </tr>
    </>
  );
}
