import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with a request whose head matches a rule. */
export type Fault =
  /** forwarded; the issuer acts on it, but its answer is dropped and the client's socket reset */
  | 'drop-response'
  /** forwarded; the issuer acts on it, but the client gets a 502 instead (a gateway gave up) */
  | 'bad-gateway'
  /** never forwarded; the client's socket is reset (the issuer never hears of it) */
  | 'refuse'
  /** never forwarded and never answered: the client waits until it gives up or dies */
  | 'hang';

export interface FaultRule {
  match: RegExp;
  fault: Fault;
  /** Only the first n matching requests (default: every one). */
  times?: number;
}

export interface FaultProxy {
  url: string;
  /** How many requests each rule has caught so far. */
  caught(index: number): number;
  /** Resolves once rule `index` has caught a request. */
  waitFor(index: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of a real server that injects network faults per request: the
 * head of each request the client sends is matched against the rules (keep-alive connections
 * carry several requests, each matched on its own).
 */
export async function startFaultProxy(upstream: string, rules: FaultRule[]): Promise<FaultProxy> {
  const target = new URL(upstream);
  const counts = rules.map(() => 0);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstreamSocket = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstreamSocket);
    let dropNextResponse = false;
    let badGateway = false;
    let held = false;
    client.on('data', (data: Buffer) => {
      if (held) return;
      const head = data.toString('latin1');
      const index = rules.findIndex(
        (rule, i) => rule.match.test(head) && (rule.times === undefined || (counts[i] ?? 0) < rule.times),
      );
      const rule = rules[index];
      if (rule) {
        counts[index] = (counts[index] ?? 0) + 1;
        if (rule.fault === 'refuse') {
          client.resetAndDestroy();
          upstreamSocket.destroy();
          return;
        }
        if (rule.fault === 'hang') {
          held = true;
          return;
        }
        if (rule.fault === 'bad-gateway') badGateway = true;
        else dropNextResponse = true;
      }
      upstreamSocket.write(data);
    });
    upstreamSocket.on('data', (data: Buffer) => {
      if (badGateway) {
        upstreamSocket.destroy();
        client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
        return;
      }
      if (dropNextResponse) {
        client.resetAndDestroy();
        upstreamSocket.destroy();
        return;
      }
      client.write(data);
    });
    const end = () => {
      client.destroy();
      upstreamSocket.destroy();
    };
    client.on('close', end).on('error', end);
    upstreamSocket.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('proxy did not bind');
  return {
    url: `http://127.0.0.1:${address.port}`,
    caught: (index) => counts[index] ?? 0,
    async waitFor(index, timeoutMs = 30_000) {
      const started = Date.now();
      while ((counts[index] ?? 0) === 0) {
        if (Date.now() - started > timeoutMs) throw new Error(`rule ${index} caught nothing`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
