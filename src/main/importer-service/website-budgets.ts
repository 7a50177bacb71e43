/**
 * What a connection's website allows today, for the full-file check: the usable daily budget
 * (the budget less the reserve), what this app already spent of it today, and where the check
 * finds what this app last wrote to that website (its change ledger).
 */
import type { QuotaToday } from '../engine/contact-scan';
import { savedQuotaView } from '../engine/import-jobs';
import type { ConnectionBook } from './connection-book';
import type { CheckLedger } from './engine-protocol';

/** Without a connection: a default website token's budget less the default reserve. */
const NO_CONNECTION_BUDGET = 10_000 - 500;

export class WebsiteBudgets {
  constructor(
    private readonly stateDir: string,
    private readonly connections: ConnectionBook,
  ) {}

  /** The usable daily budget of a connection (or of the default one). */
  async usable(connectionId: string | undefined): Promise<number> {
    return (await this.budgetOf(connectionId)).usable;
  }

  /** Where the check finds what this app last wrote to the connection's website. */
  async ledgerOf(connectionId: string | undefined): Promise<CheckLedger | null> {
    const { websiteId } = await this.budgetOf(connectionId);
    if (websiteId === null) return null;
    return {
      stateDir: this.stateDir,
      websiteId,
      apiUrl: await this.connections.apiUrlOf(websiteId),
    };
  }

  /** Today's quota of a connection: its usable budget, less what this app spent today. */
  async quotaToday(connectionId: string | undefined): Promise<QuotaToday | null> {
    const { usable, websiteId } = await this.budgetOf(connectionId);
    if (websiteId === null) return null;
    try {
      const saved = await savedQuotaView(this.stateDir, websiteId);
      const spent = Math.max(0, (saved.requestsPerDay ?? 0) - (saved.left ?? 0));
      const nextResetAt = Date.parse(saved.resetsAt ?? '');
      if (!Number.isFinite(nextResetAt)) return null;
      return { left: Math.max(0, usable - spent), requestsPerDay: usable, nextResetAt };
    } catch {
      return null;
    }
  }

  private async budgetOf(
    connectionId: string | undefined,
  ): Promise<{ usable: number; websiteId: string | null }> {
    const list = await this.connections.list();
    const id = connectionId ?? list.defaultConnectionId;
    const connection = list.connections.find((c) => c.connectionId === id);
    if (!connection) return { usable: NO_CONNECTION_BUDGET, websiteId: null };
    return {
      usable: Math.max(1, connection.budget.requestsPerDay - connection.budget.reserve),
      websiteId: connection.websiteId,
    };
  }
}
