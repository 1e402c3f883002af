/** The shared error catcher: it returns the CausalPanelError, and fails on anything else. */
import { describe, expect, it } from 'vitest';
import { CausalPanelError } from '../../src/errors.js';
import { thrown } from './thrown.js';

describe('thrown', () => {
  it('returns the CausalPanelError the call throws', () => {
    const error = new CausalPanelError('invalid_option', 'f: option "x" must be 1 (got 2)', { fn: 'f' });
    expect(thrown(() => {
      throw error;
    })).toBe(error);
  });
  it('fails when the call returns', () => {
    expect(() => thrown(() => 1)).toThrow('expected a CausalPanelError, but the call returned');
  });
  it('rethrows any other error unchanged', () => {
    const other = new TypeError('x is undefined');
    expect(() => thrown(() => {
      throw other;
    })).toThrow(other);
  });
});
