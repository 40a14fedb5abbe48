import { ValidateBy, type ValidationOptions } from 'class-validator';
import { DURATION_PATTERN, durationToMs } from './duration.js';

/**
 * A duration: `7d`, `12h`, `30m`, `45s`, `500ms`, or a non-negative integer of milliseconds; in
 * both forms at most Number.MAX_SAFE_INTEGER ms (`999999999999999d` would be 8.6e22).
 */
export function IsDuration(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDuration',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
          (typeof value === 'string' &&
            DURATION_PATTERN.test(value) &&
            Number.isSafeInteger(durationToMs(value))),
        defaultMessage: () =>
          '$property must be a duration such as 7d, 12h, 30m, 45s, 500ms, or milliseconds',
      },
    },
    options,
  );
}
