import { describe, expect, it } from 'vitest';
import { envelopeProblems, parseSchemaUri, routingKeyFor, schemaUri } from './envelope';

describe('event envelope', () => {
  it('routes by type, tenant and collection', () => {
    expect(routingKeyFor({ type: 'record.created', tenantid: 'acme', subject: 'orders/0190' })).toBe('record.created.acme.orders');
  });

  it('names schemas with their version and parses them back', () => {
    expect(parseSchemaUri(schemaUri('record.updated', 2))).toEqual({ type: 'record.updated', version: 2 });
    expect(parseSchemaUri('http://example.com/schema')).toBeUndefined();
  });

  it('lists every missing or malformed attribute', () => {
    expect(envelopeProblems({ specversion: '0.3', streamversion: 0, time: 'yesterday' })).toEqual(
      expect.arrayContaining([
        'specversion must be "1.0"',
        'id must be a non-empty string',
        'streamversion must be an integer >= 1',
        'time must be an RFC 3339 timestamp',
        'data is required',
      ]),
    );
  });
});
