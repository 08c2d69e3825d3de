import type { ConfirmChannel, Message, Options } from 'amqplib';
import { HexbaseError, type EventEnvelope } from '@hexbase/contracts';
import { CLOUDEVENTS_CONTENT_TYPE, type AmqpConnection } from '@hexbase/messaging';
import type { ReplayTarget } from '../../application/ports';

/** Headers a replayed message carries besides the usual ones, so a consumer can tell it from live traffic. */
export const ReplayHeader = { replayId: 'hexbase-replay-id', position: 'hexbase-position' } as const;

/**
 * Publishes replayed events straight to one queue: the default exchange with the queue's name as
 * routing key, so no other consumer sees them. Messages are persistent and `mandatory`, in the
 * same CloudEvents structured format as live events, on a confirm channel; a batch resolves once
 * every message is confirmed and none was returned (the queue disappeared).
 */
export function createAmqpReplayTarget(connection: AmqpConnection): ReplayTarget {
  return {
    async queueExists(queue) {
      const channel = await openChannel(() => connection.createChannel());
      channel.on('error', () => undefined);
      try {
        await channel.checkQueue(queue);
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 404) return false;
        throw unavailable('could not check the queue', error);
      } finally {
        // A failed passive check has closed the channel already.
        await channel.close().catch(() => undefined);
      }
    },

    async publish(queue, events, replayId) {
      const channel = await openChannel(() => connection.createConfirmChannel());
      const returned: string[] = [];
      channel.on('return', (message: Message) => returned.push(String(message.properties.messageId)));
      channel.on('error', () => undefined);
      try {
        for (const stored of events) {
          const options = messageOptions(stored.event, { [ReplayHeader.replayId]: replayId, [ReplayHeader.position]: stored.position });
          if (!channel.publish('', queue, Buffer.from(JSON.stringify(stored.event)), options)) await drained(channel);
        }
        await channel.waitForConfirms();
      } catch (error) {
        throw unavailable(`the broker did not confirm the replayed events for ${queue}`, error);
      } finally {
        await channel.close().catch(() => undefined);
      }
      if (returned.length > 0) throw new HexbaseError('CONSUMER_QUEUE_NOT_FOUND', 'unavailable', `queue ${queue} no longer exists: ${returned.length} replayed event(s) were returned`);
    },
  };

  async function openChannel<T>(open: () => Promise<T>): Promise<T> {
    if (!connection.isConnected()) throw unavailable(`connection "${connection.name}" is not connected`);
    return open();
  }
}

function messageOptions(event: EventEnvelope, extraHeaders: Record<string, string | number>): Options.Publish {
  const headers: Record<string, unknown> = { tenantid: event.tenantid, ...extraHeaders };
  if (event.correlationid !== undefined) headers.correlationid = event.correlationid;
  if (event.causationid !== undefined) headers.causationid = event.causationid;
  if (event.traceparent !== undefined) headers.traceparent = event.traceparent;
  const options: Options.Publish = { persistent: true, mandatory: true, contentType: CLOUDEVENTS_CONTENT_TYPE, messageId: event.id, type: event.type, appId: event.source, headers };
  const millis = Date.parse(event.time);
  if (!Number.isNaN(millis)) options.timestamp = Math.floor(millis / 1000);
  if (event.correlationid !== undefined) options.correlationId = event.correlationid;
  return options;
}

function drained(channel: ConfirmChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      channel.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      channel.off('drain', onDrain);
      reject(new Error('the channel closed while waiting for its buffer to drain'));
    };
    channel.once('drain', onDrain);
    channel.once('close', onClose);
  });
}

function unavailable(message: string, cause?: unknown): HexbaseError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new HexbaseError('BROKER_UNAVAILABLE', 'unavailable', `${message}${detail}`, [], { retryAfter: 1 });
}
