/**
 * A background runner for "drain what is due" work (the outbox dispatcher, the jobs queue):
 * start() ticks every few seconds; kick() runs soon, and kicks that arrive during a run
 * coalesce into one more run; stop() waits for the run in progress.
 */
export class BackgroundLoop<R> {
  private running: Promise<R> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly runOnce: () => Promise<R>,
    /** Called with a failed run's error; its result stands in for the run's. */
    private readonly onError: (e: unknown) => R,
  ) {}

  start(intervalMs: number): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      void this.kick();
      this.timer = setTimeout(tick, intervalMs);
      this.timer.unref?.();
    };
    tick();
  }

  kick(): Promise<R> | undefined {
    if (this.stopped) return undefined;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runOnce()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.kick();
        }
      });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
