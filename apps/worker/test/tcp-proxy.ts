import { createConnection, createServer, type Server, type Socket } from "node:net";

/** A loopback TCP proxy that a test can pause and resume, to make a server briefly unreachable. */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private paused = false;
  /** Connections closed at once because the proxy was paused. */
  rejectedConnections = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts a proxy to 127.0.0.1:targetPort on a free loopback port. */
  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("The proxy has no TCP port.");
    proxy = new TcpProxy(server, address.port);
    return proxy;
  }

  /** Cuts every open connection and closes new ones at once until resume(). */
  pause(): void {
    this.paused = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Forwards new connections again. */
  resume(): void {
    this.paused = false;
  }

  /** Cuts every connection and stops listening. */
  async close(): Promise<void> {
    this.pause();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    if (this.paused) {
      this.rejectedConnections += 1;
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  }
}
