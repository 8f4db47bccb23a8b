const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number | undefined | null): string {
  if (bytes === undefined || bytes === null || !Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

type DateStyle = 'dateTime' | 'date';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, style: DateStyle): Intl.DateTimeFormat {
  const key = `${language}|${style}`;
  let found = formatters.get(key);
  if (!found) {
    // No timeZone option: the browser's own, so every time reads as the user's local time.
    found = new Intl.DateTimeFormat(
      language,
      style === 'date' ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' },
    );
    formatters.set(key, found);
  }
  return found;
}

/**
 * The console's one way of showing a time: in the user's time zone, in the language's medium date
 * (and short time), e.g. "Nov 20, 2026, 10:00 AM" or "2026年11月20日 10:00". Takes the API's RFC 3339
 * strings or a Date; Harbor's "never" (year 1) and anything unreadable show as "—".
 */
export function formatDate(
  value: string | Date | undefined | null,
  language: string,
  style: DateStyle = 'dateTime',
): string {
  if (!value) return '—';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()) || date.getFullYear() < 1971) return '—';
  return formatter(language, style).format(date);
}

/** Harbor's times in seconds since the epoch (allowlist and robot expiry) as a Date. */
export function fromEpochSeconds(seconds: number): Date {
  return new Date(seconds * 1000);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Whether a string is a full RFC 3339 time (as image configs and annotations carry them). */
export function isTimestamp(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

/** sha256:abcdef0123456789… → sha256:abcdef012345 */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return '—';
  const [algorithm, hex = ''] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}`;
}
