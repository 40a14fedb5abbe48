import { ValidateBy, type ValidationOptions } from 'class-validator';
import { DURATION_PATTERN } from './duration.js';

/** A duration: `7d`, `12h`, `30m`, `45s`, `500ms`, or a non-negative integer of milliseconds. */
export function IsDuration(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDuration',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
          (typeof value === 'string' && DURATION_PATTERN.test(value)),
        defaultMessage: () =>
          '$property must be a duration such as 7d, 12h, 30m, 45s, 500ms, or milliseconds',
      },
    },
    options,
  );
}
