/**
 * ISO 8601 timestamps, read the same way in memory and in PostgreSQL. The text sent to
 * PostgreSQL is rebuilt from the parsed parts with an explicit offset, so the session's
 * TimeZone and DateStyle cannot change its meaning.
 */
export interface IsoTimestamp {
  /** Microseconds since 1970-01-01T00:00:00Z: PostgreSQL's timestamptz precision. */
  micros: bigint;
  /** Canonical text, `YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM`, for a `::timestamptz` parameter. */
  text: string;
}

// Date, optional time with up to six fractional digits, optional offset (Z, ±HH, ±HHMM, ±HH:MM).
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Parses a date (`2024-05-01`, midnight UTC) or date-time (no offset means UTC); `undefined` if not a valid one. */
export function parseIsoTimestamp(text: string): IsoTimestamp | undefined {
  const match = ISO_TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? '0')) as [number, number, number, number, number, number];
  const fraction = (match[7] ?? '').padEnd(6, '0');
  const offset = match[8] ?? 'Z';
  const offsetSign = offset.startsWith('-') ? -1 : 1;
  const offsetDigits = offset === 'Z' ? '0000' : offset.slice(1).replace(':', '').padEnd(4, '0');
  const offsetHours = Number(offsetDigits.slice(0, 2));
  const offsetMinutes = Number(offsetDigits.slice(2));
  const valid =
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 15 &&
    offsetMinutes <= 59;
  if (!valid) return undefined;
  const localSeconds = BigInt(daysFromCivil(year, month, day)) * 86_400n + BigInt(hour * 3600 + minute * 60 + second);
  const offsetSeconds = BigInt(offsetSign * (offsetHours * 3600 + offsetMinutes * 60));
  const micros = (localSeconds - offsetSeconds) * 1_000_000n + BigInt(fraction);
  const sign = offsetSign < 0 ? '-' : '+';
  return {
    micros,
    text: `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${fraction}${sign}${pad2(offsetHours)}:${pad2(offsetMinutes)}`,
  };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days from 1970-01-01 in the proleptic Gregorian calendar (the one PostgreSQL and JavaScript use). */
function daysFromCivil(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
