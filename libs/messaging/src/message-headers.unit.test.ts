import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { CLOUDEVENTS_CONTENT_TYPE, MessageHeader, attemptOf, eventMessageOptions, republishHeaders } from './message-headers';

const event: EventEnvelope = {
  specversion: '1.0',
  id: '0190a1b2-0000-7000-8000-000000000001',
  source: '/hexbase/records',
  type: 'record.created',
  subject: 'orders/1',
  time: '2025-01-02T03:04:05.678Z',
  datacontenttype: 'application/json',
  dataschema: 'urn:hexbase:schema:record.created:1',
  data: { collection: 'orders', id: '1' },
  tenantid: 'acme',
  streamid: 'orders/1',
  streamversion: 1,
  correlationid: 'corr-1',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

describe('eventMessageOptions', () => {
  it('maps the envelope onto AMQP properties and headers (CloudEvents structured mode)', () => {
    const options = eventMessageOptions(event, undefined);
    expect(options).toMatchObject({
      persistent: true,
      mandatory: true,
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      messageId: event.id,
      type: 'record.created',
      appId: '/hexbase/records',
      correlationId: 'corr-1',
      timestamp: Math.floor(Date.parse(event.time) / 1000),
      headers: { tenantid: 'acme', correlationid: 'corr-1', traceparent: event.traceparent },
    });
    expect(options.headers).not.toHaveProperty('causationid');
  });

  it('adds the headers a hook gives, leaving out undefined values', () => {
    const options = eventMessageOptions(event, 'records', () => ({ tracestate: 'k=v', baggage: undefined }));
    expect(options.appId).toBe('records');
    expect(options.headers).toMatchObject({ tracestate: 'k=v' });
    expect(options.headers).not.toHaveProperty('baggage');
  });
});

describe('attempt and republished headers', () => {
  it('reads the attempt, defaulting to 1', () => {
    expect(attemptOf(undefined)).toBe(1);
    expect(attemptOf({ [MessageHeader.attempt]: 3 })).toBe(3);
    expect(attemptOf({ [MessageHeader.attempt]: 'nonsense' })).toBe(1);
  });

  it('drops broker bookkeeping and previous retry state, keeps the rest', () => {
    const headers = republishHeaders(
      { tenantid: 'acme', 'x-death': [{}], 'x-delivery-count': 2, [MessageHeader.attempt]: 3, [MessageHeader.errorCode]: 'OLD' },
      { [MessageHeader.attempt]: 4 },
    );
    expect(headers).toEqual({ tenantid: 'acme', [MessageHeader.attempt]: 4 });
  });
});
