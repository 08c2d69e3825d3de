/**
 * Loads a demo data set through the records API: the `products` collection (with search
 * settings) and DEMO_RECORDS generated products (default 2,000; the same ones on every run).
 * Running it again changes nothing: every batch carries an Idempotency-Key.
 *
 *   npm run demo:load                       with `npm start` running
 *   DEMO_RECORDS=100000 npm run demo:load   a bigger catalogue
 *
 * RECORDS_URL (default http://127.0.0.1:4101), SEARCH_URL (default http://127.0.0.1:4103) and
 * DEMO_TENANT (default `default`) say where and for whom.
 */
import { PRODUCT_CATALOGUE_SCHEMA, PRODUCT_SEARCH_SETTINGS, product } from '../bench/support/product-catalogue';

const recordsUrl = process.env.RECORDS_URL ?? 'http://127.0.0.1:4101';
const searchUrl = process.env.SEARCH_URL ?? 'http://127.0.0.1:4103';
const tenant = process.env.DEMO_TENANT ?? 'default';
const total = Number(process.env.DEMO_RECORDS ?? 2_000);
const BATCH = 500;
const COLLECTION = 'products';

/** The parts of the API's answers this script reads. */
interface Answer {
  code?: string;
  total?: number;
  results?: Array<{ consistencyToken: string }>;
}

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: { 'x-hexbase-tenant': tenant, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Answer) : undefined };
}

async function defineCollection(): Promise<void> {
  const definition = { schema: PRODUCT_CATALOGUE_SCHEMA, description: 'Demo product catalogue', search: PRODUCT_SEARCH_SETTINGS };
  const created = await call('POST', `${recordsUrl}/v1/collections`, { name: COLLECTION, ...definition });
  if (created.status === 201) return;
  if (created.body?.code !== 'COLLECTION_EXISTS') throw new Error(`defining ${COLLECTION} answered ${created.status}: ${JSON.stringify(created.body)}`);
  const current = await call('GET', `${recordsUrl}/v1/collections/${COLLECTION}`);
  const changed = await call('PUT', `${recordsUrl}/v1/collections/${COLLECTION}`, definition, { 'if-match': current.headers.get('etag')! });
  if (changed.status !== 200) throw new Error(`updating ${COLLECTION} answered ${changed.status}: ${JSON.stringify(changed.body)}`);
}

async function main(): Promise<void> {
  if (!Number.isInteger(total) || total < 1) throw new Error('DEMO_RECORDS must be a positive integer');
  try {
    await fetch(`${recordsUrl}/health/ready`);
  } catch {
    throw new Error(`the records service does not answer at ${recordsUrl}: start everything with \`npm start\` (or set RECORDS_URL)`);
  }
  await defineCollection();
  let lastToken = '';
  const started = Date.now();
  for (let start = 0; start < total; start += BATCH) {
    const operations = Array.from({ length: Math.min(BATCH, total - start) }, (_, offset) => ({ op: 'create', id: `p${start + offset}`, data: product(start + offset) }));
    const answer = await call('POST', `${recordsUrl}/v1/collections/${COLLECTION}/records/bulk`, { operations }, { 'idempotency-key': `demo-products-${start}-${operations.length}` });
    if (answer.status !== 200) throw new Error(`loading products ${start} to ${start + operations.length - 1} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    lastToken = answer.body!.results!.at(-1)!.consistencyToken;
    process.stdout.write(`\rloaded ${Math.min(start + BATCH, total)} of ${total} products`);
  }
  console.log(` in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const query = new URLSearchParams({ q: 'wireless headphones', facets: 'brand,category', limit: '3' });
  const probe = await call('GET', `${searchUrl}/v1/search/${COLLECTION}?${query}`, undefined, { 'hexbase-consistency-token': lastToken }).catch(() => undefined);
  if (probe?.status === 200) {
    console.log(`search is up to date: ${probe.body!.total} hits for "wireless headphones"`);
  } else {
    console.log(`search did not answer at ${searchUrl} (${probe?.status ?? 'unreachable'}); the data is loaded in records`);
  }
  console.log(`try: curl -s '${searchUrl}/v1/search/${COLLECTION}?${query}'`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
