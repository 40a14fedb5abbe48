/**
 * A query value of decimal digits as a number, for `@Transform`; anything else is left for the
 * validators to refuse (Number() would also take `1e2`, `0x10` or ` 5`).
 */
export const digitsToNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;
