import { describe, expect, it } from 'vitest';
import { untilAborted } from './until-aborted.js';

describe('untilAborted', () => {
  // The app's authorizationCode(signal) often throws the same abort at once: unheard, that
  // rejection ended the process (Node's unhandled rejections throw).
  it('leaves a wait whose signal already aborted, and hears the rejection of what it left', async () => {
    const reason = new Error('no call waits any more');
    const app = Promise.reject(new Error('the app saw the abort too'));
    await expect(untilAborted(app, AbortSignal.abort(reason))).rejects.toBe(reason);
    // An unheard rejection would be reported by now, and fail this file.
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('rejects with the reason as soon as the signal aborts, and otherwise gives the result', async () => {
    const controller = new AbortController();
    const never = new Promise<string>(() => undefined);
    const left = untilAborted(never, controller.signal);
    controller.abort(new Error('left'));
    await expect(left).rejects.toThrow('left');
    await expect(untilAborted(Promise.resolve('code'), new AbortController().signal)).resolves.toBe(
      'code',
    );
  });
});
