import { subscriptionsContract } from '../../application/subscriptions.contract';
import { createMemorySubscriptions } from './memory-subscriptions';

subscriptionsContract('in-memory twin', async () => createMemorySubscriptions());
