// Plain words for values that cross the bridge as codes.
import type { JobState } from '../../../shared/ipc-contract';
import type { CsvDelimiter, CsvEncoding } from '../../../shared/csv-format';

export const jobStateLabel: Record<JobState, string> = {
  draft: 'Draft',
  scanning: 'Checking the file',
  ready: 'Ready',
  running: 'Importing',
  paused: 'Paused',
  waiting_quota: 'Waiting for quota',
  waiting_connection: 'Waiting for connection',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const jobStateTone: Record<JobState, 'ok' | 'warning' | 'error' | 'info' | undefined> = {
  draft: undefined,
  scanning: 'info',
  ready: undefined,
  running: 'info',
  paused: 'warning',
  waiting_quota: 'warning',
  waiting_connection: 'error',
  completed: 'ok',
  failed: 'error',
  cancelled: undefined,
};

export const delimiterName: Record<CsvDelimiter, string> = {
  ',': 'Comma ( , )',
  ';': 'Semicolon ( ; )',
  '\t': 'Tab',
  '|': 'Pipe ( | )',
};

export const encodingName: Record<CsvEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 (little endian)',
  'utf-16be': 'UTF-16 (big endian)',
  'windows-1252': 'Windows Western (1252, old Excel)',
  'iso-8859-1': 'Latin-1 (ISO 8859-1)',
  'iso-8859-15': 'Latin-9 (ISO 8859-15)',
  macintosh: 'Mac Roman (old Mac Excel)',
};

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return `${days} days ${hours % 24} h`;
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return 'unknown';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'unknown';
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function plural(n: number, one: string, many: string): string {
  return `${new Intl.NumberFormat().format(n)} ${n === 1 ? one : many}`;
}
