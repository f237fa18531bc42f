import type { FlockError } from '../../src/errors/index.js';

/** The error `p` rejects with (a FlockError in the storage tests); fails when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<FlockError> {
  try {
    await p;
  } catch (e) {
    return e as FlockError;
  }
  throw new Error('expected a rejection');
}
