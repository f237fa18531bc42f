import { Phase } from '../../protocol/arena/index.js';
import type { TaskSource } from '../kernel/index.js';
import type { ArenaActions } from './ports.js';

/** Arena tasks for `--watch`: ids 1..taskCount; a task is open to join while it takes submissions. */
export function arenaTasks(arena: Pick<ArenaActions, 'getTaskCount' | 'getPhase'>): TaskSource {
  return {
    async ids() {
      const count = await arena.getTaskCount();
      return Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1));
    },
    joinable: async (taskId) => (await arena.getPhase({ taskId })) === Phase.Submit,
  };
}
