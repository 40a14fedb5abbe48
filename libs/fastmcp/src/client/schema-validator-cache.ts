/**
 * The compiled output schemas, keyed by a digest of each schema's JSON, least recently used
 * dropped past `capacity` entries or `maxWeight` (each entry's estimated bytes) together: a
 * schema listed again (every listing brings new objects) is not compiled again, and a server that
 * changes its schemas at every listing cannot make the cache grow. An entry owns everything its
 * compile made (its own Ajv), so dropping it frees that. The newest entry always stays.
 */
export class SchemaValidatorCache<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private totalWeight = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxWeight: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.totalWeight;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // Map keeps insertion order: re-inserting makes the entry the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, weight: number): void {
    this.delete(key);
    this.entries.set(key, { value, weight });
    this.totalWeight += weight;
    for (const oldest of this.entries.keys()) {
      const over = this.entries.size > this.capacity || this.totalWeight > this.maxWeight;
      if (!over || oldest === key) break;
      this.delete(oldest);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
  }
}
