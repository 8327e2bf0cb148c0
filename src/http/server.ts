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

  const server = createServer((req, res) => {
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
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
