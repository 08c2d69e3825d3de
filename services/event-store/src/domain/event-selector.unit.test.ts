import { describe, expect, it } from 'vitest';
import { parseFilter } from '@hexbase/filter';
import { testEvent } from '../application/event-log.contract';
import { isSelected, storagePrefixOf } from './event-selector';

describe('selecting events of the log', () => {
  it('narrows the stream prefix and the collection to one prefix, or to nothing when they exclude each other', () => {
    expect(storagePrefixOf({ collection: 'orders' })).toBe('orders/');
    expect(storagePrefixOf({ streamPrefix: 'orders/0190' })).toBe('orders/0190');
    expect(storagePrefixOf({ collection: 'orders', streamPrefix: 'orders/0190' })).toBe('orders/0190');
    expect(storagePrefixOf({ collection: 'orders', streamPrefix: 'ord' })).toBe('orders/');
    expect(storagePrefixOf({ collection: 'orders', streamPrefix: 'invoices/' })).toBeNull();
    expect(storagePrefixOf({})).toBeUndefined();
  });

  it('selects an event only when its type, stream and the filter expression on the envelope all match', () => {
    const big = testEvent({ type: 'record.created', streamid: 'orders/1', data: { data: { total: 20 } } });
    const small = testEvent({ type: 'record.created', streamid: 'orders/2', data: { data: { total: 5 } } });
    const updated = testEvent({ type: 'record.updated', streamid: 'orders/1', data: { data: { total: 30 } } });
    const filter = parseFilter('type = "record.created" and data.data.total > 10');
    expect([big, small, updated].map((event) => isSelected({ spec: {}, filter }, event))).toEqual([true, false, false]);
    expect([big, small, updated].map((event) => isSelected({ spec: {}, types: ['record.updated'] }, event))).toEqual([false, false, true]);
    expect(isSelected({ spec: {}, collection: 'orders' }, big)).toBe(true);
    expect(isSelected({ spec: {}, collection: 'invoices' }, big)).toBe(false);
    expect(isSelected({ spec: {}, collection: 'orders', streamPrefix: 'orders/2' }, small)).toBe(true);
    expect(isSelected({ spec: {}, collection: 'orders', streamPrefix: 'orders/2' }, big)).toBe(false);
  });
});
