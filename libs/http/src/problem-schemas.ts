import { PROBLEM_CONTENT_TYPE, titleForStatus } from '@hexbase/contracts';

export const PROBLEM_SCHEMA_ID = 'Problem';

/**
 * JSON Schema of a problem document (RFC 9457 plus Hexbase's `code` and `errors`). `createHttpApp`
 * adds it to the app, so routes reference it as `{ $ref: 'Problem#' }` and the OpenAPI document
 * lists it as `#/components/schemas/Problem`.
 */
export const problemDocumentSchema = {
  $id: PROBLEM_SCHEMA_ID,
  type: 'object',
  description: 'RFC 9457 problem details. Clients branch on `code`, which is stable.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', description: 'URI reference to the documentation of this problem type.' },
    title: { type: 'string', description: 'Short summary of the HTTP status.' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What went wrong, for people.' },
    code: { type: 'string', description: 'Stable machine-readable error code, e.g. RECORD_NOT_FOUND.' },
    instance: { type: 'string', description: 'The request path.' },
    requestId: { type: 'string', description: 'Echo of the x-request-id header, for support requests.' },
    retryAfter: { type: 'integer', description: 'Seconds to wait before retrying; also sent as Retry-After.' },
    errors: {
      type: 'array',
      description: 'One entry per violated rule.',
      items: {
        type: 'object',
        required: ['field', 'rule', 'message'],
        properties: {
          field: { type: 'string', description: 'JSON Pointer into the request, e.g. /body/name or /query/limit.' },
          rule: { type: 'string', description: 'The rule that failed, e.g. required, type, maxLength.' },
          message: { type: 'string' },
        },
      },
    },
  },
  additionalProperties: true,
} as const;

export interface ProblemResponseSchema {
  description: string;
  content: Record<typeof PROBLEM_CONTENT_TYPE, { schema: { $ref: string } }>;
}

/** The response schema of one error status, answered as `application/problem+json`. */
export function problemResponse(status: number, description = titleForStatus(status)): ProblemResponseSchema {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } } } };
}

/**
 * Response schemas for several error statuses, to spread into a route's `response`:
 * `response: { 200: recordSchema, ...problemResponses(400, 404, 409) }`.
 */
export function problemResponses(...statuses: number[]): Record<number, ProblemResponseSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse(status)]));
}
