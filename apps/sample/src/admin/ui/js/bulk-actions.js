import { confirmAction } from './confirm-dialog.js';
import { durationMs } from './format.js';

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Entry} Entry
 */

/**
 * Replays the selected entries one after another, after a confirmation. Entries whose delivery
 * is unknown are skipped unless the confirmation's box is ticked; then they are sent with force.
 * Resolves to a summary, or null when cancelled.
 * @param {Api} api
 * @param {Entry[]} entries
 * @param {(text: string) => void} progress
 */
export async function replayEntries(api, entries, progress) {
  const unknown = entries.filter((e) => e.deliveryUnknown).length;
  const answer = await confirmAction({
    title: `Replay ${plural(entries.length, 'entry', 'entries')}?`,
    text: 'Each call is sent again to its server; an entry that succeeds leaves the queue.',
    confirmLabel: 'Replay',
    ...(unknown > 0
      ? {
          option: `Also replay the ${plural(unknown, 'entry', 'entries')} whose delivery is unknown (the tool may already have run and would run twice)`,
        }
      : {}),
  });
  if (!answer.confirmed) return null;
  let replayed = 0;
  let skipped = 0;
  /** @type {string[]} */
  const failures = [];
  for (const [i, entry] of entries.entries()) {
    progress(`Replaying ${i + 1} of ${entries.length}…`);
    if (entry.deliveryUnknown && !answer.option) {
      skipped += 1;
      continue;
    }
    try {
      await api.replay(entry.id, entry.deliveryUnknown === true);
      replayed += 1;
    } catch (error) {
      failures.push(`${entry.id}: ${messageOf(error)}`);
    }
  }
  return summary([
    `Replayed ${replayed}`,
    skipped > 0 ? `skipped ${skipped} (delivery unknown)` : '',
    failures.length > 0 ? `failed ${failures.length}: ${failures.join('; ')}` : '',
  ]);
}

/**
 * Deletes the selected entries after a confirmation; null when cancelled.
 * @param {Api} api
 * @param {Entry[]} entries
 * @param {(text: string) => void} progress
 */
export async function deleteEntries(api, entries, progress) {
  const answer = await confirmAction({
    title: `Delete ${plural(entries.length, 'entry', 'entries')}?`,
    text: 'Deleted dead letters cannot be replayed or brought back.',
    confirmLabel: 'Delete',
    danger: true,
  });
  if (!answer.confirmed) return null;
  let deleted = 0;
  /** @type {string[]} */
  const failures = [];
  for (const [i, entry] of entries.entries()) {
    progress(`Deleting ${i + 1} of ${entries.length}…`);
    try {
      await api.remove(entry.id);
      deleted += 1;
    } catch (error) {
      failures.push(`${entry.id}: ${messageOf(error)}`);
    }
  }
  return summary([
    `Deleted ${deleted}`,
    failures.length > 0 ? `failed ${failures.length}: ${failures.join('; ')}` : '',
  ]);
}

/**
 * Removes the entries older than `olderThan` after a confirmation; null when cancelled.
 * @param {Api} api
 * @param {string} olderThan
 */
export async function cleanupOlderThan(api, olderThan) {
  if (durationMs(olderThan) === undefined) {
    throw new Error('Enter a duration such as 7d, 12h, 30m, 45s or 500ms.');
  }
  const answer = await confirmAction({
    title: 'Clean up the queue?',
    text:
      `Every dead letter first dead-lettered more than ${olderThan} ago is removed for good, ` +
      'also one whose replay failed since (the list shows when it last failed).',
    confirmLabel: 'Clean up',
    danger: true,
  });
  if (!answer.confirmed) return null;
  const { removed } = await api.cleanup(olderThan);
  return `Removed ${plural(removed, 'entry', 'entries')} older than ${olderThan}.`;
}

/** @param {unknown} error */
export function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * @param {number} n
 * @param {string} one
 * @param {string} many
 */
function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** @param {string[]} parts */
function summary(parts) {
  return `${parts.filter((p) => p !== '').join(', ')}.`;
}
