/**
 * What the Arena daemons use of the chain: the protocol client's Arena actions and views (the CLI
 * passes `client.arena`), and this account's clock and nonce cache. Daemons call nothing else.
 */
import type { ScoreOpening } from '../../protocol/arena/index.js';
import type { Store } from '../../storage/index.js';
import type { DaemonRuntime } from '../kernel/index.js';

export interface ArenaTaskInfo {
  dataCID: string;
  submitEnd: number;
  revealEnd: number;
  scoreCommitEnd: number;
  validationRevealed: boolean;
  nodeCount: number;
  validatorCount: number;
  /** 0n until drawn (after the score-commit phase). */
  seed: bigint;
  /** k: validators counted per submission; the task samples when more validators committed. */
  sampleSize: number;
  /** Validators that committed scores. */
  committerCount: number;
}

export interface ArenaActions {
  register(p: { taskId: bigint; role: 'node' | 'validator'; stake: bigint; onApprove?: (what: string) => void }): Promise<{ index: bigint; txHash?: string; alreadyRegistered: boolean }>;
  commitModel(p: { taskId: bigint; commitment: string }): Promise<{ txHash: string }>;
  revealModel(p: { taskId: bigint; modelCID: string; salt: string }): Promise<{ txHash: string }>;
  drawSeed(p: { taskId: bigint }): Promise<{ txHash: string }>;
  commitScores(p: { taskId: bigint; root: string }): Promise<{ txHash: string }>;
  revealScores(p: { taskId: bigint; openings: ScoreOpening[] }): Promise<{ txHash: string }>;
  rejectValidationSet(p: { taskId: bigint; salt: string }): Promise<{ txHash: string }>;
  getPhase(p: { taskId: bigint }): Promise<number>;
  getTaskInfo(p: { taskId: bigint }): Promise<ArenaTaskInfo>;
  getTaskCount(): Promise<bigint>;
  getParticipant(p: { taskId: bigint; account: string }): Promise<{ role: number; index: bigint }>;
  getSubmission(p: { taskId: bigint; submissionId: bigint }): Promise<{ status: number; commitment: string; modelCID: string }>;
  getValidator(p: { taskId: bigint; validatorIndex: bigint }): Promise<{ scoreRoot: string; unusable: boolean }>;
  getScore(p: { taskId: bigint; submissionId: bigint; validatorIndex: bigint }): Promise<{ revealed: boolean }>;
  getAssignment(p: { taskId: bigint; submissionId: bigint; validatorIndex: bigint }): Promise<{ counted: boolean }>;
  getValidationCID(p: { taskId: bigint }): Promise<string>;
}

/** This account on this chain. */
export interface ChainAccount {
  address: string;
  chainId: number;
  /** The latest block's timestamp (chain time, which `flock devnet warp` moves). */
  now(): Promise<number>;
  /** Forget cached nonces (after a failed send). */
  resetNonce(): void;
}

/** Everything an Arena daemon needs; the CLI builds it (cli/daemon.ts). */
export interface ArenaDaemonDeps {
  rt: DaemonRuntime;
  arena: ArenaActions;
  chain: ChainAccount;
  store: Store;
  home: string;
}
