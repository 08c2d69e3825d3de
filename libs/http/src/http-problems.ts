import { STATUS_CODES } from 'node:http';
import {
  HexbaseError,
  PROBLEM_CONTENT_TYPE,
  isHexbaseError,
  problemFromError,
  problemTypeUri,
  titleForStatus,
  type ProblemDocument,
} from '@hexbase/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { violationsFromValidation } from './validation-violations';

/** Codes of the problems the HTTP layer itself answers with (services add their own). */
export const HttpProblemCode = {
  validationFailed: 'VALIDATION_FAILED',
  malformedJson: 'MALFORMED_JSON',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  routeNotFound: 'ROUTE_NOT_FOUND',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  internal: 'INTERNAL',
} as const;

export const INTERNAL_DETAIL = 'An unexpected error occurred. It has been logged; quote the request id when reporting it.';

export interface HttpProblem {
  problem: ProblemDocument;
  headers: Record<string, string>;
  /** True for failures nobody anticipated: logged at error level with the stack. */
  unexpected: boolean;
}

/**
 * Decides what the client sees for anything thrown while handling a request. Only HexbaseErrors
 * and Fastify's own client errors reach the client with their message; everything else becomes a
 * generic 500 whose detail reveals nothing.
 */
export function problemForError(error: unknown, request: Pick<FastifyRequest, 'url' | 'id' | 'headers' | 'routeOptions'>): HttpProblem {
  const hexbaseError = toHexbaseError(error, request);
  if (hexbaseError) return fromHexbaseError(hexbaseError, request);

  const status = clientErrorStatus(error);
  if (status !== undefined) {
    const code = codeForStatus(status);
    const detail = error instanceof Error && error.message ? error.message : titleForStatus(status);
    return { problem: withRequest({ type: problemTypeUri(code), title: statusTitle(status), status, detail, code }, request), headers: {}, unexpected: false };
  }
  return internalProblem(request);
}

function toHexbaseError(error: unknown, request: Pick<FastifyRequest, 'headers' | 'routeOptions'>): HexbaseError | undefined {
  if (isHexbaseError(error)) return error;
  const fastifyError = error as Partial<FastifyError> | undefined;
  if (fastifyError?.validation) {
    const violations = violationsFromValidation(fastifyError.validation, fastifyError.validationContext);
    const detail = `The request has ${fastifyError.validation.length} invalid field${fastifyError.validation.length === 1 ? '' : 's'}; see errors.`;
    return new HexbaseError(HttpProblemCode.validationFailed, 'validation', detail, violations);
  }
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HexbaseError(HttpProblemCode.malformedJson, 'validation', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HexbaseError(HttpProblemCode.payloadTooLarge, 'payload_too_large', `The request body is larger than ${request.routeOptions.bodyLimit} bytes.`, [], {
        limitBytes: request.routeOptions.bodyLimit,
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const contentType = request.headers['content-type'] ?? 'none';
      return new HexbaseError(
        HttpProblemCode.unsupportedMediaType,
        'unsupported_media_type',
        `Content-Type "${contentType}" is not supported; send application/json.`,
      );
    }
    default:
      return undefined;
  }
}

function fromHexbaseError(error: HexbaseError, request: Pick<FastifyRequest, 'url' | 'id'>): HttpProblem {
  if (error.kind === 'internal') return internalProblem(request, error.code);
  const problem = withRequest(problemFromError(error), request);
  const headers: Record<string, string> = {};
  const retryAfter = error.extensions.retryAfter;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) {
    // Retry-After takes whole seconds; the body says the same.
    problem.retryAfter = Math.ceil(retryAfter);
    headers['retry-after'] = String(problem.retryAfter);
  }
  return { problem, headers, unexpected: false };
}

function internalProblem(request: Pick<FastifyRequest, 'url' | 'id'>, code: string = HttpProblemCode.internal): HttpProblem {
  const problem: ProblemDocument = { type: problemTypeUri(code), title: statusTitle(500), status: 500, detail: INTERNAL_DETAIL, code };
  return { problem: withRequest(problem, request), headers: {}, unexpected: true };
}

/** Fastify and its plugins mark client errors with a 4xx `statusCode`; anything else is ours. */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function statusTitle(status: number): string {
  const title = titleForStatus(status);
  return title === 'Error' ? (STATUS_CODES[status] ?? title) : title;
}

function codeForStatus(status: number): string {
  return statusTitle(status).toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function withRequest(problem: ProblemDocument, request: Pick<FastifyRequest, 'url' | 'id'>): ProblemDocument {
  return { ...problem, instance: request.url.split('?', 1)[0], requestId: request.id };
}

/** Writes a problem document. Sent pre-serialized so no route response schema can reshape it. */
export function sendProblem(reply: FastifyReply, { problem, headers }: Pick<HttpProblem, 'problem' | 'headers'>): FastifyReply {
  return reply
    .code(problem.status)
    .headers(headers)
    .header('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
    .send(JSON.stringify(problem));
}
