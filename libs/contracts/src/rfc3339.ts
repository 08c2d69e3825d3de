// RFC 3339 date-time: full date, `T`, full time with seconds, optional fraction, required offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * The instant an RFC 3339 date-time names (`2026-05-01T12:00:00Z`, `...T14:00:00.250+02:00`), or
 * undefined for anything else, including impossible dates (`2026-02-30`) and leap seconds.
 * Fractions beyond milliseconds are truncated: stored times have millisecond precision, so an
 * instant compares with them as its millisecond floor does.
 */
export function parseRfc3339(text: string): Date | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetHours = Number(match[10] ?? 0);
  const offsetMinutes = Number(match[11] ?? 0);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(local).getUTCDate() !== day || year < 1) return undefined;
  const millis = Math.floor(Number(`0${match[7] ?? ''}`) * 1000);
  const offset = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(local + millis - offset);
}
