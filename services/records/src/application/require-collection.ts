import { notFound } from '@hexbase/contracts';
import type { Collection } from '../domain/collection';
import type { Collections } from './ports';

export async function requireCollection(collections: Collections, tenantId: string, name: string): Promise<Collection> {
  const collection = await collections.get(tenantId, name);
  if (!collection) throw notFound('COLLECTION_NOT_FOUND', `collection ${name} does not exist`);
  return collection;
}
