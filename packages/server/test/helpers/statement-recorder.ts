/**
 * A loopback TCP proxy in front of PostgreSQL that records every statement a client sends
 * (simple Query and extended Parse messages), independent of the code under test.
 */
import { connect, createServer, type Server } from 'node:net';

export interface StatementRecorder {
  url: string;
  statements: string[];
  close(): Promise<void>;
}

export async function recordStatements(targetUrl: string, port = 0): Promise<StatementRecorder> {
  const target = new URL(targetUrl);
  const statements: string[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    let buffer = Buffer.alloc(0);
    let startup = true;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (startup) {
          if (buffer.length < 4) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          buffer = buffer.subarray(length);
          startup = false;
          continue;
        }
        if (buffer.length < 5) return;
        const type = String.fromCharCode(buffer[0]!);
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        const payload = buffer.subarray(5, 1 + length);
        if (type === 'Q') statements.push(payload.subarray(0, payload.indexOf(0)).toString('utf8'));
        if (type === 'P') {
          const nameEnd = payload.indexOf(0);
          statements.push(payload.subarray(nameEnd + 1, payload.indexOf(0, nameEnd + 1)).toString('utf8'));
        }
        buffer = buffer.subarray(1 + length);
      }
    });
    client.on('close', () => upstream.end());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  const url = new URL(targetUrl);
  url.host = `127.0.0.1:${address.port}`;
  return {
    url: url.toString(),
    statements,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
