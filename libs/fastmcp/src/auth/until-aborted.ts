/**
 * `promise`, or a rejection with `signal`'s reason as soon as `signal` aborts: for a wait the
 * module does not own (the app's `authorizationCode()`), which it cannot cancel, only leave.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Left unheard, the app's own rejection (often the same abort) would end the process.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort))
      .catch(() => undefined);
  });
}
