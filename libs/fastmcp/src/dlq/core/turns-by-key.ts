/**
 * Runs tasks of one key one after another, tasks of different keys side by side. Bumps of one
 * entry take turns this way, so an instance's own concurrent bumps never race each other's
 * compare-and-set (which gives up after a few lost races).
 */
export class TurnsByKey {
  /** The last task queued per key; gone once it settles with nothing queued after it. */
  private readonly last = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.last.get(key) ?? Promise.resolve();
    const turn = previous.then(task, task);
    this.last.set(key, turn);
    const forget = (): void => {
      if (this.last.get(key) === turn) this.last.delete(key);
    };
    turn.then(forget, forget);
    return turn;
  }

  /** Keys with a task queued or running. */
  get size(): number {
    return this.last.size;
  }
}
