import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One HTTP server on PORT for everything that listens: health, Slack's events
 * (Bolt's request listener is mounted here) and the playground. A route
 * returns true when it handled the request.
 */
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface ReadinessCheck {
  name: string;
  check(): boolean | Promise<boolean>;
}

export interface HttpApp {
  server: Server;
  addRoute(route: Route): void;
  addReadiness(check: ReadinessCheck): void;
  listen(port: number, host?: string): Promise<number>;
  /** Requests being answered right now (an open event stream counts until it ends). */
  readonly inFlight: number;
  /**
   * Resolves true once no request is in flight, or false after timeoutMs.
   * The server keeps listening meanwhile, so a request that arrives during a
   * shutdown gets the routes' clear refusal (503) instead of a reset connection.
   */
  drain(timeoutMs: number): Promise<boolean>;
  /** Stops listening and resolves when every connection is closed; idle keep-alive connections are closed at once. */
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(data), 'cache-control': 'no-store' });
  res.end(data);
}

export function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}

export function createHttpApp(): HttpApp {
  const routes: Route[] = [];
  const readiness: ReadinessCheck[] = [];

  const health: Route = async (req, res) => {
    const path = pathOf(req);
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/readyz') {
      const results = await Promise.all(
        readiness.map(async (r) => {
          try {
            return [r.name, await r.check()] as const;
          } catch {
            return [r.name, false] as const;
          }
        }),
      );
      const ok = results.every(([, v]) => v);
      sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
      return true;
    }
    return false;
  };
  routes.push(health);

  let active = 0;
  let closing = false;
  const idle = new Set<() => void>();

  const server = createServer((req, res) => {
    active += 1;
    res.once('close', () => {
      active -= 1;
      // A keep-alive connection that just finished its last response must not hold close() open.
      if (closing) setImmediate(() => server.closeIdleConnections());
      if (active === 0) for (const wake of [...idle]) wake();
    });
    void (async () => {
      try {
        for (const route of routes) if (await route(req, res)) return;
        sendJson(res, 404, { error: 'not found' });
      } catch {
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      }
    })();
  });

  return {
    server,
    addRoute: (r) => routes.push(r),
    addReadiness: (c) => readiness.push(c),
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    get inFlight() {
      return active;
    },
    drain: (timeoutMs) =>
      new Promise((resolve) => {
        if (active === 0) return resolve(true);
        const done = (ok: boolean) => {
          idle.delete(wake);
          clearTimeout(timer);
          resolve(ok);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(active === 0), timeoutMs);
        idle.add(wake);
      }),
    close: () =>
      new Promise((resolve) => {
        closing = true;
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
