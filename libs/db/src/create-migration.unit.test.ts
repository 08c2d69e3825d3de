import { describe, expect, it } from 'vitest';
import { migrationSlug, nextTimestamp } from './create-migration';

describe('migration names', () => {
  it('are lower-case words joined by underscores', () => {
    expect(migrationSlug('Add records!')).toBe('add_records');
    expect(migrationSlug('  outbox -- index ')).toBe('outbox_index');
    expect(() => migrationSlug('!!!')).toThrow(/cannot name a migration/);
  });

  it('start with the UTC time, after the newest existing migration', () => {
    const now = new Date('2025-03-04T05:06:07.890Z');
    expect(nextTimestamp(now, ['20250101000000_init'])).toBe('20250304050607');
    expect(nextTimestamp(now, ['20250304050607_same_second', '20250101000000_init'])).toBe('20250304050608');
    expect(nextTimestamp(now, ['20991231235959_future'])).toBe('21000101000000');
  });
});
