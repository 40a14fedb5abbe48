import { setTimeout as sleep } from 'node:timers/promises';

/** Waits until `condition` holds, up to 5 s; the assertions after it say what was expected. */
export async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition() && Date.now() < deadline) await sleep(10);
}
