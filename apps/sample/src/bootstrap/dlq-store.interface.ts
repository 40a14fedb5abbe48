/** Where the DLQ lives for this run, decided once at start. */
export type DlqStore = { store: 'redis'; url: string } | { store: 'memory' };
