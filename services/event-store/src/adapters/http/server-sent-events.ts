import type { ServerResponse } from 'node:http';

/**
 * One Server-Sent Events response. `send` resolves once the chunk is handed to the socket, and
 * only after the socket's buffer has drained when it was full, so a caller that awaits it stops
 * producing while the client is slow.
 */
export interface ServerSentEvents {
  event(id: number, type: string, data: unknown): Promise<void>;
  comment(text: string): Promise<void>;
  isOpen(): boolean;
  /** Aborted when the client goes away or `end` is called. */
  readonly closed: AbortSignal;
  end(): void;
}

export function openServerSentEvents(raw: ServerResponse, headers: Record<string, string> = {}): ServerSentEvents {
  const closing = new AbortController();
  raw.on('close', () => closing.abort());
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies such as nginx would otherwise hold events back.
    'x-accel-buffering': 'no',
  });
  raw.flushHeaders();

  async function write(chunk: string): Promise<void> {
    if (closing.signal.aborted) return;
    if (raw.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        raw.off('drain', done);
        closing.signal.removeEventListener('abort', done);
        resolve();
      };
      raw.once('drain', done);
      closing.signal.addEventListener('abort', done, { once: true });
    });
  }

  return {
    event: (id, type, data) => write(`id: ${id}\nevent: ${type.replace(/[\r\n]/g, '')}\ndata: ${JSON.stringify(data)}\n\n`),
    comment: (text) => write(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`),
    isOpen: () => !closing.signal.aborted,
    closed: closing.signal,
    end() {
      if (!closing.signal.aborted) raw.end();
      closing.abort();
    },
  };
}
