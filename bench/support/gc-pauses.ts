import { PerformanceObserver } from 'node:perf_hooks';

/** The garbage collector's pauses, summed from the call until `stop()`. */
export interface GcPauses {
  /** Stops watching; the pauses' total, in ms. */
  stop(): number;
}

/**
 * Watches the collector's pauses (Node's `gc` performance entries): the young-generation
 * collections that objects kept past their call make longer, and the full ones they bring on.
 */
export function watchGcPauses(): GcPauses {
  let totalMs = 0;
  const add = (entries: readonly { duration: number }[]): void => {
    for (const entry of entries) totalMs += entry.duration;
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      add(observer.takeRecords());
      observer.disconnect();
      return totalMs;
    },
  };
}
