import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * A real PostgreSQL (PGlite, compiled to WebAssembly) served on loopback. It takes one connection
 * at a time and turns a second one away, so a connection left open shows up in the next test.
 */
export interface LoopbackPostgres {
  db: PGlite;
  port: number;
  openConnections(): number;
  stop(): Promise<void>;
}

export async function startLoopbackPostgres(seed: string): Promise<LoopbackPostgres> {
  const db = await PGlite.create();
  await db.exec(seed);
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PGlite socket server has no port: ${server.getServerConn()}`);
  return {
    db,
    port,
    openConnections: () => server.getStats().activeConnections,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
