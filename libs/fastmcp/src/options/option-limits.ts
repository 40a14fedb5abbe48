/** Node's timers take at most 2^31 - 1 ms; a longer delay overflows and fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Ten years: the longest span added to now (a TTL, a redrive delay), far from Date's limit. */
export const MAX_DATE_OFFSET_MS = 10 * 365 * 24 * 60 * 60 * 1000;
