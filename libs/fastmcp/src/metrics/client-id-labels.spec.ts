import { describe, expect, it } from 'vitest';
import { ClientIdLabels } from './client-id-labels.js';

describe('ClientIdLabels', () => {
  it('forgets folded client ids that are gone while the slots stay taken', () => {
    const labels = new ClientIdLabels(2, ['configured']);
    expect(labels.label('dyn-a')).toBe('dyn-a');
    for (let i = 0; i < 1_000; i++) {
      const clientId = `dyn-${i}-x`;
      expect(labels.label(clientId)).toBe('other');
      labels.unfold(clientId);
    }
    expect(labels.remembered).toBe(2);
    expect(labels.label('dyn-0-x')).toBe('other');
  });

  it('keeps a folded client id folded when a slot could free up', () => {
    const labels = new ClientIdLabels(1);
    labels.label('dyn-a');
    expect(labels.label('dyn-b')).toBe('other');
    labels.release('dyn-a');
    labels.unfold('dyn-b');
    expect(labels.label('dyn-b')).toBe('other');
    expect(labels.label('dyn-c')).toBe('dyn-c');
  });
});
