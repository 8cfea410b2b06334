import { createConnection, createServer, type Server, type Socket } from "node:net";

/** A loopback TCP proxy that a test can pause and resume, to make a server briefly unreachable. */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<Socket>();
  private server: Server | undefined;
  private paused = false;
  private holding = false;
  /** Connections closed at once because the proxy was paused. */
  rejectedConnections = 0;
  /** Connections accepted and left without a reply while the proxy was in hold mode. */
  heldConnections = 0;
  /** Connections forwarded to the target port. */
  forwardedConnections = 0;

  private constructor(
    private readonly targetPort: number,
    readonly port: number,
  ) {}

  /** Starts a proxy to 127.0.0.1:targetPort on a free loopback port. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const address = probe.address();
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    if (address === null || typeof address === "string") throw new Error("Could not find a free loopback port.");
    const proxy = new TcpProxy(targetPort, address.port);
    await proxy.listen();
    return proxy;
  }

  /**
   * Cuts every open connection. New connections are then accepted and closed at once (counted in
   * rejectedConnections), or with `refuse` the port stops listening, so connecting fails with
   * ECONNREFUSED as when the server is down.
   */
  async pause(options: { refuse?: boolean } = {}): Promise<void> {
    this.paused = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (options.refuse) await this.stopListening();
  }

  /** Forwards new connections again. */
  async resume(): Promise<void> {
    this.paused = false;
    this.holding = false;
    if (this.server === undefined) await this.listen();
  }

  /**
   * Accepts new connections and never replies to them, like a server that hangs after the TCP
   * handshake. A held connection closes when its client closes it.
   */
  async hold(): Promise<void> {
    this.paused = false;
    this.holding = true;
    if (this.server === undefined) await this.listen();
  }

  /** Client connections open now, forwarded or held. */
  get openConnections(): number {
    return this.clients.size;
  }

  /** Cuts every connection and stops listening. */
  async close(): Promise<void> {
    await this.pause({ refuse: true });
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.server = server;
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.paused) {
      this.rejectedConnections += 1;
      client.destroy();
      return;
    }
    if (this.holding) {
      this.heldConnections += 1;
      this.sockets.add(client);
      this.clients.add(client);
      client.resume();
      const release = () => {
        client.destroy();
        this.sockets.delete(client);
        this.clients.delete(client);
      };
      client.on("error", release).on("close", release);
      return;
    }
    this.forwardedConnections += 1;
    const upstream = createConnection({ host: "127.0.0.1", port: this.targetPort });
    this.clients.add(client);
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      this.clients.delete(client);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  }
}
