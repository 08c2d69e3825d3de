import { searchIndexContract } from '../../application/search-index.contract';
import { createMemorySearch } from './memory-search-index';

const engine = createMemorySearch();
let tenantCounter = 0;
searchIndexContract('in memory', async () => ({ engine, tenantId: `t${++tenantCounter}` }));
