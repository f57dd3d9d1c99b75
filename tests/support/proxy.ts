/**
 * A TCP proxy on loopback, for tests that need a server to go away without stopping the shared one: clients connect
 * through the proxy, and `cut` closes every connection and stops accepting new ones, as a server that went down.
 */
import net from 'node:net';

export interface Proxy {
  /** host:port of the proxy. */
  address: string;
  port: number;
  cut(): Promise<void>;
}

export async function startProxy(target: string): Promise<Proxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${proxyPort}`,
    port: proxyPort,
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
