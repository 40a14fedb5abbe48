import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8's full garbage collection. The test processes do not run with --expose-gc: the flag is set
 * at run time, and `gc` taken from a fresh context, where V8 then defines it.
 */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * The heap still in use after full collections, in bytes: what is retained. A turn of the event
 * loop between them lets finalizers run (those of AbortSignal.timeout clear its timer), so what
 * only waits for one is not counted.
 */
export async function retainedHeap(): Promise<number> {
  const gc = collector();
  for (let round = 0; round < 3; round += 1) {
    gc();
    await nextTurn();
  }
  gc();
  return process.memoryUsage().heapUsed;
}
