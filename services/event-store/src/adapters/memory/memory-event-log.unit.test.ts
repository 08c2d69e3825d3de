import { eventLogContract } from '../../application/event-log.contract';
import { createMemoryEventLog } from './memory-event-log';

eventLogContract('in-memory twin', async () => createMemoryEventLog());
