import { getHeapStatistics } from 'node:v8';

const SAMPLE_MS = 2;

/** The highest V8 heap use seen while it runs, sampled every few ms, against a start value. */
export class HeapPeak {
  readonly baseline = getHeapStatistics().used_heap_size;
  private peak = this.baseline;
  private readonly timer = setInterval(() => this.sample(), SAMPLE_MS);

  /** Stops sampling; `delta` is the peak minus the baseline, in bytes. */
  stop(): { baseline: number; peak: number; delta: number } {
    clearInterval(this.timer);
    this.sample();
    return { baseline: this.baseline, peak: this.peak, delta: this.peak - this.baseline };
  }

  private sample(): void {
    this.peak = Math.max(this.peak, getHeapStatistics().used_heap_size);
  }
}

export const MiB = 1024 * 1024;
