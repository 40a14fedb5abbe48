import { describe, expect, it } from 'vitest';
import * as surface from './index.js';

describe('the public surface', () => {
  it('exports exactly these runtime names (change on purpose only)', () => {
    expect(Object.keys(surface).sort()).toMatchSnapshot();
  });
});
