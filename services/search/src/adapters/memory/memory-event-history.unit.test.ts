import { eventHistoryContract } from '../../application/event-history.contract';
import { createMemoryEventHistory } from './memory-event-history';

eventHistoryContract('in memory', async () => {
  const history = createMemoryEventHistory();
  return { history, append: async (...events) => history.append(...events) };
});
