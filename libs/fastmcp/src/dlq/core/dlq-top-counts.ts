/** The `n` largest counts, largest first; ties by name, so both stores answer alike. */
export function topCounts(counts: Map<string, number>, n: number): Record<string, number> {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n);
  return Object.fromEntries(sorted);
}
