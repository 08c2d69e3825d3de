import { replaysContract } from '../../application/replays.contract';
import { createMemoryReplays } from './memory-replays';

let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

replaysContract('in-memory twin', async () => {
  offsetMs = 0;
  const replays = createMemoryReplays(clock);
  // The twin's leases follow its clock: moving the clock on ages every replay created before.
  return {
    replays,
    age: async (_id, ms) => {
      offsetMs += ms;
    },
  };
});
