import { startEventConsumer, type AmqpConnection, type EventConsumer } from '@hexbase/messaging';
import type { Logger, Metrics } from '@hexbase/observability';
import { indexEvent } from './application/index-event';
import type { IndexUpdates } from './application/ports';
import type { SearchConfig } from './config';

/** Routing keys the search service follows: every record event and every collection definition event. */
export const SEARCH_BINDINGS = ['record.#', 'collection.#'] as const;

/** The search service's quorum queue, applying each record and collection event to the index. */
export function startIndexer(connection: AmqpConnection, updates: IndexUpdates, config: Pick<SearchConfig, 'exchange' | 'consumer'>, logger: Logger, metrics?: Metrics): Promise<EventConsumer> {
  const handled = metrics?.counter({ name: 'hexbase_consumer_messages_total', help: 'Messages handled by a consumer', labelNames: ['consumer', 'outcome'] });
  return startEventConsumer(connection, {
    exchange: config.exchange,
    queue: config.consumer.queue,
    bindings: SEARCH_BINDINGS,
    prefetch: config.consumer.prefetch,
    retryDelaysMs: config.consumer.retryDelaysMs,
    deliveryLimit: config.consumer.deliveryLimit,
    handler: async (event) => {
      const outcome = await indexEvent(updates, event);
      handled?.inc({ consumer: 'search', outcome });
    },
    onError: (error, context) => {
      handled?.inc({ consumer: 'search', outcome: context.decision?.action ?? context.stage });
      logger.warn({ err: error, ...context }, 'indexing an event failed');
    },
  });
}
