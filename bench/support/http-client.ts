import { Agent, request } from 'node:http';

export interface JsonResponse {
  status: number;
  body: string;
}

/**
 * A keep-alive HTTP/1.1 client with at most `connections` sockets: node:http costs the load
 * generator less CPU than fetch, which matters when it shares two cores with the server.
 */
export function createHttpClient(baseUrl: string, connections: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });

  function send(method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
    const body = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: body ? { 'content-type': 'application/json', 'content-length': String(body.length), ...headers } : headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  return { send, close: () => agent.destroy() };
}
