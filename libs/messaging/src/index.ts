export { createAmqpConnection, reconnectDelayMs, type AmqpConnection, type AmqpConnectionOptions, type ConnectionSetup, type ConnectionState } from './amqp-connection';
export { declareEventExchange } from './event-exchange';
export { createAmqpPublisher, type AmqpPublisher, type AmqpPublisherOptions } from './amqp-publisher';
export { startEventConsumer, type ConsumerErrorContext, type EventConsumer, type EventConsumerOptions } from './event-consumer';
export { consumerQueueNames, deadLetterQueueName, declareConsumerTopology, retryQueueName, type ConsumerQueueNames, type ConsumerTopologyOptions } from './consumer-topology';
export { decideDelivery, type DeadLetterReason, type DeliveryDecision, type DeliveryOutcome } from './delivery-decision';
export { listDeadLetters, redriveDeadLetters, type DeadLetter } from './dead-letters';
export { CLOUDEVENTS_CONTENT_TYPE, MessageHeader, type HeadersFor } from './message-headers';
export { INBOX_TABLE_SQL, recordInboxOnce, type SqlClient } from './inbox';
