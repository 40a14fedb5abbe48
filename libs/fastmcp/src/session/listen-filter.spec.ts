import { describe, expect, it } from 'vitest';
import { isEmptyFilter, listenFilter, listenFilterOf } from './listen-filter.js';

describe('listen filters', () => {
  it('asks for the list changes with listen: true, and for the subscribed URIs', () => {
    expect(listenFilter(false, [])).toEqual({});
    expect(isEmptyFilter(listenFilter(false, []))).toBe(true);
    expect(listenFilter(true, ['a://'])).toEqual({
      toolsListChanged: true,
      promptsListChanged: true,
      resourcesListChanged: true,
      resourceSubscriptions: ['a://'],
    });
  });

  it('reads only the fields MCP defines from an acknowledgment, with their types', () => {
    expect(listenFilterOf(undefined)).toEqual({});
    expect(listenFilterOf('yes')).toEqual({});
    expect(
      listenFilterOf({
        toolsListChanged: 'true',
        promptsListChanged: true,
        resourceSubscriptions: ['a://', 7, { uri: 'b://' }],
        extra: true,
      }),
    ).toEqual({ promptsListChanged: true, resourceSubscriptions: ['a://'] });
  });
});
