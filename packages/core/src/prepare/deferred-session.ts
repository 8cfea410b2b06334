import type * as ort from "onnxruntime-node";

/**
 * An onnxruntime session that is created on its first run. The engine hands it to the
 * full-logits runner when a prepared graph serves fill-mask and scoring, so the plain export's
 * weights stay out of memory unless a caller asks for full logits. Names and metadata are
 * copied from a session of the same file that was loaded once for checks and then released.
 */
export class DeferredSession implements ort.InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  private session: Promise<ort.InferenceSession> | null = null;
  private released = false;

  constructor(
    template: ort.InferenceSession,
    private readonly create: () => Promise<ort.InferenceSession>,
  ) {
    this.inputNames = [...template.inputNames];
    this.outputNames = [...template.outputNames];
    this.inputMetadata = [...template.inputMetadata];
    this.outputMetadata = [...template.outputMetadata];
  }

  /**
   * Replaces a loaded session with a deferred one for the same file: copies its names and
   * metadata, then releases it so its weights leave memory.
   */
  static async replace(session: ort.InferenceSession, create: () => Promise<ort.InferenceSession>): Promise<DeferredSession> {
    const deferred = new DeferredSession(session, create);
    await session.release();
    return deferred;
  }

  /** True once the real session has been requested. */
  get loaded(): boolean {
    return this.session !== null;
  }

  /** Creates the real session on the first call, then runs it; rejects after release(). */
  run(feeds: ort.InferenceSession.FeedsType, options?: ort.InferenceSession.RunOptions): Promise<ort.InferenceSession.ReturnType>;
  run(feeds: ort.InferenceSession.FeedsType, fetches: ort.InferenceSession.FetchesType, options?: ort.InferenceSession.RunOptions): Promise<ort.InferenceSession.ReturnType>;
  async run(
    feeds: ort.InferenceSession.FeedsType,
    fetchesOrOptions?: ort.InferenceSession.FetchesType | ort.InferenceSession.RunOptions,
    options?: ort.InferenceSession.RunOptions,
  ): Promise<ort.InferenceSession.ReturnType> {
    if (this.released) {
      throw new Error("The deferred onnxruntime session was released; load the model again.");
    }
    if (this.session === null) {
      this.session = this.create();
      // A failed creation is retried on the next run instead of caching the rejection.
      this.session.catch(() => {
        this.session = null;
      });
    }
    const session = await this.session;
    if (fetchesOrOptions === undefined) {
      return session.run(feeds);
    }
    return session.run(feeds, fetchesOrOptions as ort.InferenceSession.FetchesType, options);
  }

  /** Releases the real session if it was created; safe to call twice. */
  async release(): Promise<void> {
    this.released = true;
    const pending = this.session;
    this.session = null;
    if (pending !== null) {
      await (await pending).release();
    }
  }

  /** Starts profiling on the real session, when it exists. */
  startProfiling(): void {
    void this.session?.then((session) => session.startProfiling());
  }

  /** Ends profiling on the real session, when it exists. */
  endProfiling(): void {
    void this.session?.then((session) => session.endProfiling());
  }
}
