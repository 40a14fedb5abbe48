import { describe, expect, it } from 'vitest';
import { ReplayBorrowedClientIds } from './replay-borrowed-client-ids.js';

describe('ReplayBorrowedClientIds', () => {
  it('gives back a client id when the last of its replays ends', () => {
    const borrowed = new ReplayBorrowedClientIds();
    borrowed.replayStarted('dyn', false);
    borrowed.replayStarted('dyn', true);
    expect(borrowed.replayEnded('dyn')).toBe(false);
    expect(borrowed.replayEnded('dyn')).toBe(true);
    expect(borrowed.replayEnded('dyn')).toBe(false);
  });

  it('borrows nothing that is in use, or that an app call is using', () => {
    const borrowed = new ReplayBorrowedClientIds();
    borrowed.replayStarted('connected', true);
    expect(borrowed.replayEnded('connected')).toBe(false);
    borrowed.appCallStarted('calling');
    borrowed.replayStarted('calling', false);
    borrowed.appCallEnded('calling');
    expect(borrowed.replayEnded('calling')).toBe(false);
  });

  it('leaves a client id to the app once an app call starts on it during a replay', () => {
    const borrowed = new ReplayBorrowedClientIds();
    borrowed.replayStarted('dyn', false);
    borrowed.appCallStarted('dyn');
    borrowed.appCallEnded('dyn');
    expect(borrowed.replayEnded('dyn')).toBe(false);
    borrowed.replayStarted('dyn', false);
    expect(borrowed.replayEnded('dyn')).toBe(true);
  });
});
