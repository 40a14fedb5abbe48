/** Injection token of the active `DlqStorage` (null with `dlq: false`). */
export const DLQ_STORAGE = Symbol('FastMcp:DlqStorage');
