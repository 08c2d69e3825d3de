import type { AmqpConnection, EventConsumer } from '@hexbase/messaging';
import { startEventConsumer } from '@hexbase/messaging';
import type { Logger, Metrics } from '@hexbase/observability';
import type { EventLog } from './application/ports';
import { takeInEvent } from './application/take-in-event';
import type { EventStoreConfig } from './config';

/** The event store's own quorum queue, bound to every domain event, appending each one once. */
export function startIntake(connection: AmqpConnection, log: EventLog, config: Pick<EventStoreConfig, 'exchange' | 'intake'>, logger: Logger, metrics?: Metrics): Promise<EventConsumer> {
  const handled = metrics?.counter({ name: 'hexbase_consumer_messages_total', help: 'Messages handled by a consumer', labelNames: ['consumer', 'outcome'] });
  return startEventConsumer(connection, {
    exchange: config.exchange,
    queue: config.intake.queue,
    bindings: ['#'],
    prefetch: config.intake.prefetch,
    retryDelaysMs: config.intake.retryDelaysMs,
    deliveryLimit: config.intake.deliveryLimit,
    handler: async (event) => {
      await takeInEvent(log, event);
      handled?.inc({ consumer: 'event-store', outcome: 'ok' });
    },
    onError: (error, context) => {
      handled?.inc({ consumer: 'event-store', outcome: context.decision?.action ?? context.stage });
      logger.warn({ err: error, ...context }, 'event intake failed');
    },
  });
}
