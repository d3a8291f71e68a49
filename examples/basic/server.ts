import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';

const { app, close } = createApp();
const server = app.listen(Number(process.env.PORT ?? 3000), () => {
  const { port } = server.address() as AddressInfo;
  console.log(`express-logical-session example on http://localhost:${port}`);
  console.log(`try: curl -i -c jar -b jar http://localhost:${port}/ ; curl -i -b jar http://localhost:${port}/boom`);
});

function shutdown(): void {
  server.close();
  server.closeIdleConnections();
  void close();
}
process.once('SIGINT', shutdown).once('SIGTERM', shutdown);
