/**
 * Limits how much runs at once: each run takes `weight` of the capacity, first come first
 * served (a heavy run at the head is not overtaken, so it cannot starve).
 */
export class RunGate {
  private used = 0;
  private readonly waiting: { weight: number; start: () => void }[] = [];

  constructor(readonly capacity: number) {}

  async run<T>(weight: number, task: () => Promise<T>): Promise<T> {
    const need = Math.min(weight, this.capacity);
    await this.acquire(need);
    try {
      return await task();
    } finally {
      this.used -= need;
      this.startWaiting();
    }
  }

  private acquire(weight: number): Promise<void> {
    if (this.waiting.length === 0 && this.used + weight <= this.capacity) {
      this.used += weight;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push({ weight, start: resolve });
    });
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0].weight <= this.capacity) {
      const next = this.waiting.shift()!;
      this.used += next.weight;
      next.start();
    }
  }
}
