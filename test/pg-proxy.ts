import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP relay to the test cluster, for the faults a network puts between
 * gradbot and PostgreSQL: taken down (every connection cut, new ones
 * refused) and brought back on the same port, or one COMMIT cut off after
 * the server applied it, before the client hears so.
 */
export interface PgProxy {
  port: number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
  /**
   * On the next connection that runs a statement containing `sqlPart` and
   * then COMMIT: the COMMIT reaches the server, the server's reply (sent once
   * the commit is durable) is dropped, and the connection is cut. The client
   * sees a connection lost during COMMIT although its transaction is applied.
   * Resolves once that has happened.
   */
  cutCommitAfter(sqlPart: string): Promise<void>;
}

interface Trap {
  sqlPart: string;
  sprung: () => void;
}

export async function pgProxy(targetPort: number): Promise<PgProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  let trap: Trap | null = null;

  const relay = (client: Socket) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const sock of [client, upstream]) {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => undefined);
    }
    const reader = messageReader();
    let ranTrapped = false;
    let cutting: (() => void) | null = null;
    client.on('data', (chunk: Buffer) => {
      if (cutting) return;
      upstream.write(chunk);
      for (const m of reader(chunk)) {
        // Extended protocol (Parse) for statements with parameters, simple Query for BEGIN/COMMIT.
        if (trap && (m.type === 'P' || m.type === 'Q') && m.sql.includes(trap.sqlPart)) ranTrapped = true;
        else if (trap && ranTrapped && m.type === 'Q' && /^\s*COMMIT\b/i.test(m.sql)) {
          cutting = trap.sprung;
          trap = null;
        }
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutting) {
        // The server's reply to COMMIT: the commit is done. Drop the reply and the connection.
        client.destroy();
        upstream.destroy();
        cutting();
        return;
      }
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(relay);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const sock of sockets) sock.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await listen();
  return {
    port,
    down,
    up: listen,
    close: down,
    cutCommitAfter: (sqlPart) => new Promise<void>((sprung) => (trap = { sqlPart, sprung })),
  };
}

/**
 * Splits the client's side of the PostgreSQL wire protocol into messages:
 * the untyped startup message first, then type byte + Int32 length + body.
 * Yields the SQL text of Parse ('P': name, then query) and Query ('Q') messages.
 */
function messageReader(): (chunk: Buffer) => { type: string; sql: string }[] {
  let buf = Buffer.alloc(0);
  let started = false;
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    const out: { type: string; sql: string }[] = [];
    for (;;) {
      if (!started) {
        if (buf.length < 4) break;
        const len = buf.readInt32BE(0);
        if (buf.length < len) break;
        buf = buf.subarray(len);
        started = true;
        continue;
      }
      if (buf.length < 5) break;
      const type = String.fromCharCode(buf[0]!);
      const len = buf.readInt32BE(1);
      if (buf.length < 1 + len) break;
      const body = buf.subarray(5, 1 + len);
      buf = buf.subarray(1 + len);
      const cstrings = body.toString('utf8').split('\0');
      if (type === 'Q') out.push({ type, sql: cstrings[0] ?? '' });
      else if (type === 'P') out.push({ type, sql: cstrings[1] ?? '' });
      else out.push({ type, sql: '' });
    }
    return out;
  };
}
