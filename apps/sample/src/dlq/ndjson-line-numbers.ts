/**
 * Where each value yielded came from: blank lines yield nothing, so the n-th value is on line n
 * plus the blank lines before it.
 */
export class NdjsonLineNumbers {
  /** [values yielded so far, blank lines so far], at each blank line. */
  private readonly blanks: Array<[number, number]> = [];
  private yielded = 0;

  valueYielded(): void {
    this.yielded++;
  }

  blankSkipped(): void {
    const last = this.blanks.at(-1);
    if (last?.[0] === this.yielded) last[1]++;
    else this.blanks.push([this.yielded, (last?.[1] ?? 0) + 1]);
  }

  /** The line (1-based) of the n-th value yielded (1-based). */
  lineOf(value: number): number {
    let blanksBefore = 0;
    for (const [yielded, blanks] of this.blanks) {
      if (yielded >= value) break;
      blanksBefore = blanks;
    }
    return value + blanksBefore;
  }
}
