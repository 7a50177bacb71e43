/**
 * Keeps what a scan reports about issues with memory bounded whatever the file's size: the first
 * `issueLimit` issues, counts by code and severity, and groups by code and column with their
 * first row numbers.
 */
import { Buffer } from 'node:buffer';
import type { RowIssue } from '../../../shared/row-issue';
import type { ScanIssue, ScanIssueGroup } from './contact-scan-report';

export const DEFAULT_ISSUE_LIMIT = 1000;
export const DEFAULT_GROUP_ROW_LIMIT = 1000;

export class IssueTally {
  readonly first: ScanIssue[] = [];
  readonly warningsByCode: Record<string, number> = {};
  readonly errorsByCode: Record<string, number> = {};
  count = 0;
  /** Groups by severity and code, then by column ('' for whole-row issues). */
  private readonly groups = new Map<string, Map<string, ScanIssueGroup>>();

  constructor(
    private readonly issueLimit = DEFAULT_ISSUE_LIMIT,
    private readonly groupRowLimit = DEFAULT_GROUP_ROW_LIMIT,
  ) {}

  add(issue: RowIssue): void {
    this.count++;
    const column = issue.column ?? null;
    if (this.first.length < this.issueLimit) {
      this.first.push({
        row: issue.row,
        column,
        severity: issue.severity,
        code: issue.code,
        message: detached(issue.message),
      });
    }
    const byCode = issue.severity === 'error' ? this.errorsByCode : this.warningsByCode;
    byCode[issue.code] = (byCode[issue.code] ?? 0) + 1;

    const codeKey = issue.severity === 'error' ? `e:${issue.code}` : `w:${issue.code}`;
    let byColumn = this.groups.get(codeKey);
    if (byColumn === undefined) {
      byColumn = new Map();
      this.groups.set(codeKey, byColumn);
    }
    const columnKey = column ?? '';
    let group = byColumn.get(columnKey);
    if (group === undefined) {
      group = {
        code: issue.code,
        severity: issue.severity,
        column,
        message: detached(issue.message),
        count: 0,
        rows: [],
      };
      byColumn.set(columnKey, group);
    }
    group.count++;
    const rows = group.rows;
    if (rows.length < this.groupRowLimit && rows[rows.length - 1] !== issue.row)
      rows.push(issue.row);
  }

  /** Groups, errors first, then the largest first; ties in the order their codes first appeared. */
  issueGroups(): ScanIssueGroup[] {
    const all: ScanIssueGroup[] = [];
    for (const byColumn of this.groups.values())
      for (const group of byColumn.values()) all.push(group);
    return all
      .map((group, order) => ({ group, order }))
      .sort(
        (a, b) =>
          severityRank(a.group) - severityRank(b.group) ||
          b.group.count - a.group.count ||
          a.order - b.order,
      )
      .map(({ group }) => group);
  }
}

function severityRank(group: ScanIssueGroup): number {
  return group.severity === 'error' ? 0 : 1;
}

/**
 * A copy of `text` that holds no reference to the text it was cut from. Messages quote cell
 * values, and V8 keeps a cut string (a slice) pointing into the whole decoded chunk it came from:
 * keeping 1,000 messages would otherwise keep hundreds of 64 KiB chunks alive.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
