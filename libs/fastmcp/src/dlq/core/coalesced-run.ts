/**
 * Runs `job` one at a time. A caller that comes while it runs gets the next run, which starts when
 * this one ends and is shared by every caller that came meanwhile: each caller's run starts after
 * its call, and a burst of callers costs two runs, not one each.
 */
export class CoalescedRun {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly job: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    // After the running one however it ends: a failed run does not fail the next.
    const after = this.running.catch(() => undefined);
    this.next = after.then(() => {
      this.next = undefined;
      return this.start();
    });
    return this.next;
  }

  private start(): Promise<void> {
    const run: Promise<void> = this.job().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}
