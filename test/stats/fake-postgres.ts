import { createServer, type Server, type Socket } from 'node:net';

/**
 * Just enough of PostgreSQL's wire protocol, on loopback, to produce the failures a real server
 * produces and PGlite (which trusts every login) cannot: a rejected password, a missing database,
 * a server that never answers.
 */
export type FakeBehaviour =
  /** Accepts the TCP connection and never says a word. */
  | 'silent'
  /** Asks for a cleartext password, then rejects it (28P01). */
  | 'reject-password'
  /** Asks for a password, then fails with a server error whose text repeats it. */
  | 'echo-password'
  /** Fails the startup: the requested database does not exist (3D000). */
  | 'missing-database'
  /** Logs in, then never answers a query. */
  | 'hang-after-login'
  /** Logs in, fails every query, and ignores the client's goodbye (Terminate) without closing. */
  | 'fail-queries-then-linger';

export interface FakePostgres {
  port: number;
  /** Passwords the client sent, so a test can show the secret really went through the code. */
  passwords: string[];
  /** Connections accepted, and how many of them the client has since closed. */
  connections(): { accepted: number; closedByClient: number };
  stop(): Promise<void>;
}

export async function startFakePostgres(behaviour: FakeBehaviour): Promise<FakePostgres> {
  const sockets = new Set<Socket>();
  const passwords: string[] = [];
  let accepted = 0;
  let closedByClient = 0;
  // Half-open: the server never closes its side on its own, as a hung server would not, so the
  // client must cut the connection itself.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted++;
    sockets.add(socket);
    let counted = false;
    const hungUp = () => {
      if (!counted) closedByClient++;
      counted = true;
    };
    socket.on('end', hungUp);
    socket.on('close', () => {
      hungUp();
      sockets.delete(socket);
    });
    socket.on('error', () => undefined);
    if (behaviour === 'silent') socket.resume(); // read and drop, so the client's hang-up is seen
    else serve(socket, behaviour, passwords);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake server has no port');
  return {
    port: address.port,
    passwords,
    connections: () => ({ accepted, closedByClient }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function serve(socket: Socket, behaviour: FakeBehaviour, passwords: string[]): void {
  let buffer = Buffer.alloc(0);
  let started = false;
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      // The startup message has no type byte; every later message does.
      const header = started ? 5 : 4;
      if (buffer.length < header) return;
      const length = buffer.readInt32BE(started ? 1 : 0);
      const total = started ? length + 1 : length;
      if (buffer.length < total) return;
      const type = started ? String.fromCharCode(buffer[0]!) : '';
      const body = buffer.subarray(header, total);
      buffer = buffer.subarray(total);
      if (!started) {
        started = true;
        onStartup(socket, behaviour, startupParameters(body.subarray(4)));
      } else if (type === 'p') {
        const password = body.toString('utf8').replace(/\0$/, '');
        passwords.push(password);
        if (behaviour === 'reject-password') fatal(socket, '28P01', 'password authentication failed for user "app"');
        else fatal(socket, 'XX000', `internal error while checking "${password}"`);
      } else if (type === 'Q' && behaviour === 'fail-queries-then-linger') {
        socket.write(message('E', errorFields('ERROR', 'XX000', 'the fake server fails every query')));
        socket.write(message('Z', Buffer.from('I')));
      }
      // 'hang-after-login': queries arrive here and are never answered.
    }
  });
}

function onStartup(socket: Socket, behaviour: FakeBehaviour, parameters: Map<string, string>): void {
  if (behaviour === 'missing-database') {
    fatal(socket, '3D000', `database "${parameters.get('database') ?? ''}" does not exist`);
  } else if (behaviour === 'hang-after-login' || behaviour === 'fail-queries-then-linger') {
    socket.write(message('R', int32(0))); // AuthenticationOk
    socket.write(message('K', Buffer.concat([int32(42), int32(7)]))); // BackendKeyData
    socket.write(message('Z', Buffer.from('I'))); // ReadyForQuery, idle
  } else {
    socket.write(message('R', int32(3))); // AuthenticationCleartextPassword
  }
}

function startupParameters(body: Buffer): Map<string, string> {
  const parts = body.toString('utf8').split('\0');
  const parameters = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) parameters.set(parts[i]!, parts[i + 1]!);
  return parameters;
}

function fatal(socket: Socket, code: string, text: string): void {
  socket.end(message('E', errorFields('FATAL', code, text)));
}

function errorFields(severity: string, code: string, text: string): Buffer {
  return Buffer.from([`S${severity}`, `V${severity}`, `C${code}`, `M${text}`].map((field) => field + '\0').join('') + '\0', 'utf8');
}

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}
