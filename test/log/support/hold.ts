import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A reverse proxy in front of a real server (a witness) that can hang: while `hold` is true it
 * keeps requests unanswered; setting it false forwards them, so the server behind answers late.
 */
export interface HoldingProxy {
  url: string;
  hold: boolean;
  /** Requests held unanswered right now. */
  readonly held: number;
  /** Drops held requests (their callers see the connection close) and stops. */
  close(): Promise<void>;
}

export async function holdingProxy(target: string): Promise<HoldingProxy> {
  let hold = false;
  let held: (() => void)[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const forward = () => {
        fetch(`${target}${request.url ?? '/'}`, {
          method: request.method ?? 'GET',
          headers: { 'content-type': request.headers['content-type'] ?? 'text/plain' },
          ...(chunks.length > 0 && { body: Buffer.concat(chunks) }),
        })
          .then(async (r) => {
            response.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
            response.end(Buffer.from(await r.arrayBuffer()));
          })
          .catch((error: unknown) => response.writeHead(502).end(String(error)));
      };
      if (hold) held.push(forward);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get hold() {
      return hold;
    },
    set hold(value: boolean) {
      hold = value;
      if (value) return;
      const waiting = held;
      held = [];
      for (const forward of waiting) forward();
    },
    get held() {
      return held.length;
    },
    close: async () => {
      held = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
