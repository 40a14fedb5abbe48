/** A signal that follows its sources until `detach()` removes its listeners from them. */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  detach(): void;
}

/**
 * Aborts, with the source's reason, as soon as one of `sources` aborts (the first one already
 * aborted wins, as with AbortSignal.any). Not AbortSignal.any itself: on Node 20 each one leaves
 * an entry on its sources for as long as they live, and a caller's signal may outlive many calls.
 */
export function linkedSignal(sources: readonly AbortSignal[]): LinkedSignal {
  const controller = new AbortController();
  const aborted = sources.find((source) => source.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, detach: () => undefined };
  }
  const listeners = sources.map((source) => {
    const onAbort = (): void => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    return () => source.removeEventListener('abort', onAbort);
  });
  return {
    signal: controller.signal,
    detach: () => listeners.forEach((remove) => remove()),
  };
}
