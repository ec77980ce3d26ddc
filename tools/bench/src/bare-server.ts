import http from 'node:http';
import { failToParent, serveParent } from './child';

/**
 * The anchor of the webhook figure: a bare Node HTTP server that reads each body, parses it as JSON
 * and answers 200, as little as any webhook endpoint can do.
 */
function main(): void {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as import('node:net').AddressInfo;
    serveParent(`http://127.0.0.1:${port}`, () => new Promise((r) => server.close(() => r())));
  });
}

try {
  main();
} catch (err) {
  failToParent(err);
}
