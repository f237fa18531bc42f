/**
 * The one way flock creates a folder in its home (or anywhere it keeps keys, salts, state or
 * stored objects): owner-only, 0700, whichever command gets there first. Every missing folder on
 * the way is created 0700 too, the home among them; a folder that already exists keeps its mode.
 * test/unit/architecture/private-dirs.test.ts keeps plain mkdir out of src/.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';

export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `dir` and any missing parents, 0700 (before the umask, which can only narrow it).
 *
 * @example
 * mkdirPrivate(join(home, 'keystores'));
 */
export function mkdirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** mkdirPrivate for async code. */
export async function mkdirPrivateAsync(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}
