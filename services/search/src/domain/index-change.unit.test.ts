import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { indexChangeOf } from './index-change';

const envelope = (overrides: Partial<EventEnvelope>): EventEnvelope => ({
  specversion: '1.0',
  id: 'e1',
  source: '/hexbase/records',
  type: 'record.created',
  subject: 'books/b1',
  time: '2026-01-01T00:00:00Z',
  datacontenttype: 'application/json',
  dataschema: 'urn:hexbase:schema:record.created:1',
  data: { collection: 'books', id: 'b1', version: 1, data: { title: 'Emma' } },
  tenantid: 'acme',
  streamid: 'books/b1',
  streamversion: 1,
  ...overrides,
});

describe('what an event means for the index', () => {
  it('turns record events into changes at their stream version', () => {
    expect(indexChangeOf(envelope({}))).toEqual({ kind: 'record', change: { kind: 'upsert', tenantId: 'acme', collection: 'books', recordId: 'b1', version: 1, data: { title: 'Emma' } } });
    expect(indexChangeOf(envelope({ type: 'record.deleted', streamversion: 2, data: { collection: 'books', id: 'b1', version: 2, deletedAt: 'x' } }))).toMatchObject({ change: { kind: 'delete', version: 2 } });
    expect(indexChangeOf(envelope({ type: 'record.purged', streamversion: 3, data: { collection: 'books', id: 'b1', version: 3 } }))).toMatchObject({ change: { kind: 'purge', version: 3 } });
  });

  it('turns collection events into settings changes, and ignores other events', () => {
    const settings = { searchableFields: [{ field: 'title', weight: 'A' }], filterableFields: [], facetableFields: [], sortableFields: [], language: 'english', synonyms: {}, stopWords: [] };
    const event = envelope({ type: 'collection.updated', streamid: '_collections/books', subject: '_collections/books', streamversion: 4, data: { name: 'books', version: 4, search: settings } });
    expect(indexChangeOf(event)).toEqual({ kind: 'settings', change: { tenantId: 'acme', collection: 'books', version: 4, settings } });
    expect(indexChangeOf(envelope({ type: 'notification.created' }))).toBeUndefined();
  });

  it('refuses payloads that do not match their stream, so they are dead-lettered', () => {
    expect(() => indexChangeOf(envelope({ streamid: 'books/other' }))).toThrow(expect.objectContaining({ code: 'MALFORMED_EVENT', kind: 'validation' }));
    expect(() => indexChangeOf(envelope({ data: { collection: 'books', id: 'b1', version: 1, data: [] } }))).toThrow(expect.objectContaining({ code: 'MALFORMED_EVENT' }));
    expect(() => indexChangeOf(envelope({ type: 'collection.created', streamid: '_collections/books', data: { name: 'books', search: { language: 'klingon' } } }))).toThrow(expect.objectContaining({ code: 'MALFORMED_EVENT' }));
  });
});
