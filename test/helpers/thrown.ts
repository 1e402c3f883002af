/**
 * The one way tests catch a library error: `thrown(run)` calls `run` and returns the
 * CausalPanelError it throws, so a test can check `code`, `message` and `details`. The test fails
 * when `run` returns normally; anything other than a CausalPanelError (a TypeError from deep
 * inside, an assertion) is rethrown unchanged, with its own stack.
 *
 * For a code alone, `expect(thrown(run).code).toBe('invalid_option')`; for a message alone,
 * vitest's `expect(run).toThrow('…')` is enough.
 */
import { expect } from 'vitest';
import { CausalPanelError } from '../../src/errors.js';

/**
 * The CausalPanelError thrown by `run`.
 *
 * @example
 * const error = thrown(() => feols('y ~ x', data, { cluster: 'id' } as never));
 * expect(error.code).toBe('unknown_option');
 */
export function thrown(run: () => unknown): CausalPanelError {
  try {
    run();
  } catch (error) {
    if (error instanceof CausalPanelError) return error;
    throw error;
  }
  return expect.fail('expected a CausalPanelError, but the call returned');
}
