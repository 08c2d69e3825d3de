import type { FieldViolation } from '@hexbase/contracts';

/** Collection names become part of routing keys and URLs: lower-case words. */
export const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,62}$/;
/** Client-chosen record ids: URL-safe, at most 64 characters. Server ids are UUIDv7. */
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function checkName(value: unknown, pattern: RegExp, field: string, description: string): FieldViolation[] {
  if (typeof value !== 'string') return [{ field, rule: 'type', message: `${field} must be a string` }];
  if (!pattern.test(value)) return [{ field, rule: 'pattern', message: `${field} must be ${description}` }];
  return [];
}
