import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from './rfc3339';

describe('RFC 3339 timestamps', () => {
  it('reads the instant, whatever the offset, to the millisecond', () => {
    expect(parseRfc3339('2026-05-01T12:00:00Z')?.toISOString()).toBe('2026-05-01T12:00:00.000Z');
    expect(parseRfc3339('2026-05-01T14:00:00.25+02:00')?.toISOString()).toBe('2026-05-01T12:00:00.250Z');
    expect(parseRfc3339('2026-05-01t06:30:00.123999-05:30')?.toISOString()).toBe('2026-05-01T12:00:00.123Z');
  });

  it.each(['2026-05-01', '2026-05-01T12:00Z', '2026-05-01T12:00:00', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-05-01T24:00:00Z', '2026-05-01T23:59:60Z', 'yesterday', '2026-05-01T12:00:00+2:00', ''])(
    'refuses %j',
    (text) => {
      expect(parseRfc3339(text)).toBeUndefined();
    },
  );
});
