/**
 * Chooses how to start on an email this import has not written yet:
 * - create first: POST; a 409 means it exists, then GET and PATCH (1 request if new, 3 if not);
 * - look up first: GET by email; then PATCH or POST (2 requests either way).
 * Create first is cheaper while fewer than half the contacts exist, so the planner keeps a moving
 * share of "existed" among recent first-time emails and switches at 55 % / 45 % (hysteresis).
 */
export type RequestPlan = 'create-first' | 'look-up-first';

export interface RequestPlannerOptions {
  /** 'adaptive' (default) or a fixed plan. */
  plan?: 'adaptive' | RequestPlan;
  /** Weight of each new observation in the moving share. Default 0.1 (about the last 10-20 emails). */
  weight?: number;
  /** Share of existing contacts assumed at the start. Default 0 (create first). */
  initialExistingShare?: number;
}

export class RequestPlanner {
  private share: number;
  private current: RequestPlan;
  private readonly fixed: RequestPlan | null;
  private readonly weight: number;

  constructor(options: RequestPlannerOptions = {}) {
    this.fixed = options.plan && options.plan !== 'adaptive' ? options.plan : null;
    this.weight = options.weight ?? 0.1;
    this.share = options.initialExistingShare ?? 0;
    this.current = this.fixed ?? (this.share > 0.5 ? 'look-up-first' : 'create-first');
  }

  get plan(): RequestPlan {
    return this.current;
  }

  /** Moving share of first-time emails that already existed in Crisp. */
  get existingShare(): number {
    return this.share;
  }

  record(existed: boolean): void {
    this.share = this.share * (1 - this.weight) + (existed ? this.weight : 0);
    if (this.fixed) return;
    if (this.current === 'create-first' && this.share > 0.55) this.current = 'look-up-first';
    else if (this.current === 'look-up-first' && this.share < 0.45) this.current = 'create-first';
  }
}
