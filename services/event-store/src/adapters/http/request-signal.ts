import type { ServerResponse } from 'node:http';

/**
 * A signal for one long request (a long-poll, a stream): aborted when the server shuts down or the
 * client goes away. Listeners are removed when the response closes, so the server's long-lived
 * shutdown signal holds nothing of finished requests.
 */
export function requestSignal(shutdown: AbortSignal, response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (shutdown.aborted) abort();
  shutdown.addEventListener('abort', abort, { once: true });
  response.once('close', () => {
    shutdown.removeEventListener('abort', abort);
    abort();
  });
  return controller.signal;
}
