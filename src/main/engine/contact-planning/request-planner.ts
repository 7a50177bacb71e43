/**
 * Chooses how to start on an email this import has not written yet:
 * - create first: POST; a 409 means it exists, then GET and PATCH (1 request if new, 3 if not);
 * - look up first: GET by email; then PATCH or POST (2 requests either way).
 * Create first is cheaper while fewer than half the contacts exist. The planner keeps the share
 * of "existed" among the last `window` first-time emails (with a half-count prior each way, so
 * one answer is enough to lean) and switches at 55 % / 45 % (hysteresis).
 */
export type RequestPlan = 'create-first' | 'look-up-first';

export interface RequestPlannerOptions {
  /** 'adaptive' (default) or a fixed plan. */
  plan?: 'adaptive' | RequestPlan;
  /** How many recent first-time emails the share counts. Default 20. */
  window?: number;
}

export class RequestPlanner {
  private readonly recent: boolean[] = [];
  private existedInWindow = 0;
  private current: RequestPlan;
  private readonly fixed: RequestPlan | null;
  private readonly window: number;
  private total = 0;
  private waiters: Array<() => void> = [];

  constructor(options: RequestPlannerOptions = {}) {
    this.fixed = options.plan && options.plan !== 'adaptive' ? options.plan : null;
    this.window = Math.max(1, options.window ?? 20);
    this.current = this.fixed ?? 'create-first';
  }

  get plan(): RequestPlan {
    return this.current;
  }

  /** Share of recent first-time emails that already existed in Crisp (0.5 before any). */
  get existingShare(): number {
    return (this.existedInWindow + 0.5) / (this.recent.length + 1);
  }

  /** First-time emails seen so far. */
  get observations(): number {
    return this.total;
  }

  /** Resolves at the next observation. */
  nextObservation(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  record(existed: boolean): void {
    this.total += 1;
    this.recent.push(existed);
    if (existed) this.existedInWindow += 1;
    if (this.recent.length > this.window && this.recent.shift()) this.existedInWindow -= 1;
    if (!this.fixed) {
      const share = this.existingShare;
      if (this.current === 'create-first' && share > 0.55) this.current = 'look-up-first';
      else if (this.current === 'look-up-first' && share < 0.45) this.current = 'create-first';
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
