import { problemTypeUri, titleForStatus } from '@hexbase/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblemCode, problemForError, sendProblem } from './http-problems';

/** The one error handler: every error, from a hook, a parser, a validator or a handler, leaves as a problem document. */
export function problemErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const answer = problemForError(error, request);
  const { status, code } = answer.problem;
  if (answer.unexpected) request.log.error({ err: error, code }, 'request failed unexpectedly');
  else if (status >= 500) request.log.warn({ err: error, code, status }, 'request failed');
  else request.log.info({ code, status }, 'request rejected');
  return sendProblem(reply, answer);
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Unknown path: 404 `ROUTE_NOT_FOUND`. Known path, other method: 405 `METHOD_NOT_ALLOWED` with `Allow`. */
export function problemNotFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?', 1)[0] ?? '/';
  const allowed = METHODS.filter((method) => method !== request.method && request.server.findRoute({ method, url: path }) !== null);
  const base = { instance: path, requestId: request.id };
  if (allowed.length > 0) {
    const problem = {
      type: problemTypeUri(HttpProblemCode.methodNotAllowed),
      title: titleForStatus(405),
      status: 405,
      detail: `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}.`,
      code: HttpProblemCode.methodNotAllowed,
      ...base,
    };
    return sendProblem(reply, { problem, headers: { allow: allowed.join(', ') } });
  }
  const problem = {
    type: problemTypeUri(HttpProblemCode.routeNotFound),
    title: titleForStatus(404),
    status: 404,
    detail: `No route matches ${request.method} ${path}.`,
    code: HttpProblemCode.routeNotFound,
    ...base,
  };
  return sendProblem(reply, { problem, headers: {} });
}
