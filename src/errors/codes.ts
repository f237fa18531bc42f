/**
 * Every error code flock raises on purpose, with its exit code and what it means. An AbortError
 * names one of these codes and takes its exit code from here, so a code always exits the same
 * way, scripts can branch on `error.code` in `--json` output, and docs/EXIT_CODES.md lists them
 * all (generated; a unit test fails when it drifts). Add codes; never change one's exit code.
 */
import { ExitCode } from './exit-codes.js';

interface CodeInfo {
  exit: ExitCode;
  meaning: string;
}

const { USAGE, NETWORK, CHAIN, FUNDS, WALLET, REVERTED, INTERRUPTED, INTEGRITY } = ExitCode;

/** Flags, arguments, confirmations: the command line itself. */
const cli = {
  USAGE: { exit: USAGE, meaning: 'a flag or argument is missing, malformed or out of range' },
  INVALID_AMOUNT: { exit: USAGE, meaning: 'an amount is not a positive decimal number of tokens' },
  INVALID_DURATION: { exit: USAGE, meaning: 'a duration is not like 90s, 15m, 2h, 7d' },
  INVALID_ADDRESS: { exit: USAGE, meaning: 'an address is not a 0x-prefixed 20-byte hex address' },
  CONFIRMATION_REQUIRED: { exit: USAGE, meaning: 'the action needs --yes when no terminal can confirm it' },
  CANCELLED: { exit: INTERRUPTED, meaning: 'the user declined a confirmation' },
  INTERRUPTED: { exit: INTERRUPTED, meaning: 'Ctrl-C or SIGTERM before the operation finished' },
} as const satisfies Record<string, CodeInfo>;

/** flock.config.yaml, FLOCK_* variables, and the genesis allocation file of `flock deploy`. */
const config = {
  CONFIG_NOT_FOUND: { exit: USAGE, meaning: 'the --config file does not exist' },
  CONFIG_INVALID: { exit: USAGE, meaning: 'a configuration value (file, environment or flag) is invalid' },
  CONFIG_EXISTS: { exit: USAGE, meaning: '`flock init` would overwrite an existing flock.config.yaml' },
  GENESIS_INVALID: { exit: USAGE, meaning: 'the genesis allocation file of `flock deploy` is invalid (its file:line says which rule)' },
} as const satisfies Record<string, CodeInfo>;

/** Keystores, passwords, the selected account. */
const wallet = {
  NO_ACCOUNT: { exit: WALLET, meaning: 'no account is selected (and the chain is not a devnet)' },
  NO_PASSWORD: { exit: WALLET, meaning: 'a keystore needs a password and none was given, nor can one be asked' },
  PASSWORD_FILE: { exit: WALLET, meaning: 'the --password-file cannot be read' },
  EMPTY_PASSWORD: { exit: WALLET, meaning: 'the password chosen for a new keystore is empty' },
  PASSWORD_MISMATCH: { exit: WALLET, meaning: 'the two passwords typed for a new keystore differ' },
  WRONG_PASSWORD: { exit: WALLET, meaning: 'the password does not decrypt the keystore' },
  KEYSTORE_NOT_FOUND: { exit: WALLET, meaning: 'no keystore of that name or path' },
  DEVNET_ACCOUNT: { exit: WALLET, meaning: 'a devnet account name (alice, #2) on a chain that is not a devnet, or one the devnet does not have' },
  KEYSTORE_INVALID: { exit: WALLET, meaning: 'the keystore file is not a JSON v3 keystore' },
  KEYSTORE_EXISTS: { exit: USAGE, meaning: 'a keystore of that name exists already' },
  INVALID_NAME: { exit: USAGE, meaning: 'an account name has characters other than letters, digits, . _ -' },
  INVALID_KEY: { exit: USAGE, meaning: 'a private key is not 32 bytes of hex' },
  NO_KEY: { exit: USAGE, meaning: '`wallet import` got no private key' },
  KEY_FILE: { exit: USAGE, meaning: 'the --private-key-file cannot be read' },
} as const satisfies Record<string, CodeInfo>;

/** The RPC endpoint, the chain and flock's deployment on it. */
const chain = {
  RPC_UNREACHABLE: { exit: NETWORK, meaning: 'the RPC endpoint is unreachable, timed out or failed' },
  NONCE_EXPIRED: { exit: NETWORK, meaning: 'the nonce was used by another transaction of this account' },
  REPLACEMENT_UNDERPRICED: { exit: NETWORK, meaning: 'a pending transaction with this nonce pays more' },
  TRANSACTION_REPLACED: { exit: NETWORK, meaning: 'the transaction was replaced by another with its nonce' },
  ACTION_REJECTED: { exit: INTERRUPTED, meaning: 'the signer refused to sign' },
  INSUFFICIENT_FUNDS: { exit: FUNDS, meaning: 'not enough ETH for the transaction and its gas' },
  REVERTED: { exit: REVERTED, meaning: 'a contract rejected the call (its custom error is shown)' },
  WRONG_CHAIN: { exit: CHAIN, meaning: 'the endpoint is not the chain --chain-id names' },
  NO_DEPLOYMENT: { exit: CHAIN, meaning: 'flock is not deployed on this chain (no deployment record)' },
  STALE_DEPLOYMENT: { exit: CHAIN, meaning: 'the deployment record names contracts that are not on this chain' },
  DEPLOYMENT_INVALID: { exit: CHAIN, meaning: 'the deployment record is unreadable' },
  ALREADY_DEPLOYED: { exit: CHAIN, meaning: '`flock deploy` found a finished deployment by this account on this chain' },
  NOT_A_DIRECTORY: { exit: CHAIN, meaning: 'the address given to `flock deployment use` is not a published flock deployment on this chain' },
  NO_CREATE2_PROXY: { exit: CHAIN, meaning: 'the chain lacks the deterministic deployment proxy `flock deploy` creates the directory with' },
  SHORT_TIMELOCK_DELAY: { exit: USAGE, meaning: 'a timelock delay under a day outside the devnet, without --yes and --allow-short-delay' },
  BAD_JOURNAL: { exit: USAGE, meaning: 'the deployment journal of a resumed `flock deploy` is unreadable' },
  VRF_INVALID: { exit: USAGE, meaning: 'the --vrf-* options of `flock deploy` name no VRF v2.5 coordinator or subscription on this chain' },
} as const satisfies Record<string, CodeInfo>;

/** The embedded devnet (anvil). */
const devnet = {
  ANVIL_NOT_FOUND: { exit: USAGE, meaning: 'no anvil binary for this platform' },
  DEVNET_RUNNING: { exit: USAGE, meaning: 'a devnet of another home or port is running' },
  DEVNET_OTHER_HOME: { exit: USAGE, meaning: '`devnet down` of a devnet that another flock home started (stop it from that home)' },
  DEVNET_START: { exit: USAGE, meaning: 'anvil or the devnet VRF fulfiller did not start (its log says why)' },
  DEVNET_TIMEOUT: { exit: INTERRUPTED, meaning: 'anvil did not answer, or the devnet VRF fulfiller did not catch up, in time after starting' },
  VRF_FULFILLER_RUNNING: { exit: USAGE, meaning: '`devnet fulfil` while a VRF fulfiller already serves that devnet' },
  PORT_IN_USE: { exit: USAGE, meaning: 'the devnet port is taken by another program' },
  NOT_DEVNET: { exit: CHAIN, meaning: 'a devnet-only command (warp, accounts, fulfil) against another chain' },
} as const satisfies Record<string, CodeInfo>;

/** Content-addressed storage: CIDs, backends, uploads. */
const storage = {
  INVALID_CID: { exit: USAGE, meaning: 'not a CIDv1 (raw, sha2-256) string' },
  HASH_MISMATCH: { exit: INTEGRITY, meaning: 'bytes do not hash to their CID: refused' },
  TOO_LARGE: { exit: INTEGRITY, meaning: 'an object is over the size limit: refused at the first byte over it' },
  NOT_FOUND: { exit: USAGE, meaning: 'no object with that CID: not in the store (dir, http), nor on this IPFS node or any connected peer (all answered); `store get` and `store stat` alike' },
  NOT_FOUND_REMOTE: { exit: NETWORK, meaning: 'an IPFS peer did not answer, or stopped sending blocks, in time: the object may yet be there' },
  STORE_UNREACHABLE: { exit: NETWORK, meaning: 'the HTTP store or IPFS peers cannot be reached' },
  STORE_BAD_REQUEST: { exit: USAGE, meaning: 'the HTTP store refused the request as malformed' },
  UPLOAD_REJECTED: { exit: WALLET, meaning: 'the HTTP store refused the uploader’s signature or address' },
  STORE_QUOTA: { exit: NETWORK, meaning: 'the HTTP store refused an upload over the uploader’s quota or concurrent uploads (HTTP 429): it takes uploads again later' },
  STORE_IO: { exit: USAGE, meaning: 'the store folder cannot be read or written' },
  IPFS_START: { exit: USAGE, meaning: 'the in-process IPFS node did not start' },
  LISTEN_FAILED: { exit: USAGE, meaning: '`store serve` cannot listen on its address' },
} as const satisfies Record<string, CodeInfo>;

/** The training and evaluation engine (kebab-case: the engine's own vocabulary). */
const engine = {
  'bad-data': { exit: USAGE, meaning: 'a data file does not parse or does not match the task’s schema' },
  'bad-schema': { exit: USAGE, meaning: 'a task schema is inconsistent' },
  'bad-config': { exit: USAGE, meaning: 'a trainer config is invalid, or training diverged with it' },
  'training-failed': { exit: USAGE, meaning: 'training stopped on a failure of the backend or tfjs (its cause is shown with --log-level debug)' },
  'backend-unavailable': { exit: USAGE, meaning: 'the requested training backend is not installed' },
  'unsupported-layer': { exit: USAGE, meaning: 'the model uses a layer the ONNX exporter does not support' },
  unparsable: { exit: INTEGRITY, meaning: 'bytes that should be an ONNX model do not parse' },
  'incompatible-model': { exit: USAGE, meaning: 'a global model’s graph or initializers differ from the model the trainer config builds (the message names the op or initializer)' },
  aborted: { exit: INTERRUPTED, meaning: 'training was stopped by a signal' },
} as const satisfies Record<string, CodeInfo>;

/** Federated aggregation (`flock fl`): rules, their parameters, the global model and the updates. */
const fl = {
  FL_INVALID_RULE: { exit: USAGE, meaning: 'the aggregation rule is not fedavg, median, trimmed, krum, multikrum or bulyan' },
  FL_BAD_PARAMETER: { exit: USAGE, meaning: 'a rule or simulation parameter (--beta, --f, --m, --max-norm, --examples, --clients, --rounds, --poison, --dp-clip, ...) is out of range or malformed' },
  FL_BAD_TASK: { exit: USAGE, meaning: 'the task.yaml given to `flock fl simulate` or `fl split` cannot be read, or (simulate) names no validation file to score on' },
  FL_BAD_DATA: { exit: USAGE, meaning: 'the data file of `flock fl split` is missing, cannot be read or breaks the task’s schema (no such label column, a label that is no class, a value that is no number)' },
  FL_TOO_FEW_UPDATES: { exit: USAGE, meaning: 'fewer valid updates than the rule needs (trimmed mean would cut them all, MultiKrum keeps more than there are, Bulyan needs n >= 4f + 3)' },
  FL_DUPLICATE_UPDATE: { exit: USAGE, meaning: 'the same update (same bytes, so the same CID) was given twice' },
  FL_FILE: { exit: USAGE, meaning: 'a model file of `flock fl` cannot be read' },
  FL_BAD_GLOBAL: { exit: INTEGRITY, meaning: 'the global model is not an ONNX model the aggregator can read (unparsable, external data, non-finite values)' },
  FL_ALL_REJECTED: { exit: INTEGRITY, meaning: 'every update failed validation (each one is listed with its reason): nothing to aggregate' },
} as const satisfies Record<string, CodeInfo>;

/** Protocol actions: balances, positions, pools, tasks, proposals. */
const protocol = {
  INSUFFICIENT_BALANCE: { exit: FUNDS, meaning: 'not enough FLOCK for the action' },
  INSUFFICIENT_FLOCK: { exit: FUNDS, meaning: 'not enough FLOCK for a proposal’s bond' },
  INSUFFICIENT_GM: { exit: FUNDS, meaning: 'not enough free gmFLOCK for an Arena stake' },
  GM_SHORTFALL: { exit: FUNDS, meaning: 'not enough gmFLOCK for the delegation' },
  INSUFFICIENT_DELEGATION: { exit: FUNDS, meaning: 'undelegating more than is delegated to that pool' },
  LOCK_OUT_OF_RANGE: { exit: USAGE, meaning: 'a lock is outside 0..365 days' },
  UNKNOWN_POSITION: { exit: USAGE, meaning: 'no lock position with that id' },
  NOTHING_TO_REDEEM: { exit: USAGE, meaning: 'no unlocked position to redeem' },
  STILL_LOCKED: { exit: REVERTED, meaning: 'the position is still locked' },
  NO_POOL: { exit: USAGE, meaning: 'that operator has no pool' },
  POOL_EXISTS: { exit: USAGE, meaning: 'this account has a pool already' },
  INVALID_SIGMA: { exit: USAGE, meaning: 'sigma is not a share like 10% or 0.1' },
  SIGMA_OUT_OF_BOUNDS: { exit: USAGE, meaning: 'sigma is outside the governed bounds' },
  NOTHING_DELEGATED: { exit: USAGE, meaning: 'nothing delegated to that pool' },
  NOTHING_TO_WITHDRAW: { exit: USAGE, meaning: 'no undelegation has finished its cooldown' },
  STILL_UNBONDING: { exit: REVERTED, meaning: 'the undelegation cooldown has not passed' },
  NO_ARENA: { exit: CHAIN, meaning: 'this deployment has no Arena' },
  UNKNOWN_TASK: { exit: USAGE, meaning: 'no Arena task with that id' },
  DATA_CHANGED: { exit: USAGE, meaning: 'the --data file differs from the one the node split for the task' },
  NO_ALLIANCE: { exit: CHAIN, meaning: 'this deployment has no Alliance' },
  UNKNOWN_ALLIANCE_TASK: { exit: USAGE, meaning: 'no Alliance task with that id' },
  NOT_FINALIZING: { exit: REVERTED, meaning: 'the task is not in a phase that finalize can settle' },
  BAD_TASK_SPEC: { exit: USAGE, meaning: 'a task.yaml is invalid' },
  SCORE_TOLERANCE: { exit: USAGE, meaning: 'a task’s score tolerance is missing (required for mse, mae and log-loss) or not a positive number' },
  BAD_TASK_DATA: { exit: USAGE, meaning: 'a task’s training data or validation set breaks its schema or contract (refused before anything is uploaded or sent)' },
  TASK_DIR_EXISTS: { exit: USAGE, meaning: '`flock task init` would write over a task folder’s task.yaml, train.csv or validation.csv (--force writes over them)' },
  BAD_MANIFEST: { exit: INTEGRITY, meaning: 'a task’s published manifest is unreadable or inconsistent' },
  NO_TASK_SECRETS: { exit: USAGE, meaning: 'no saved secrets for the task in this home (revealing needs them)' },
  SECRETS_MISMATCH: { exit: INTEGRITY, meaning: 'the saved secrets do not match the task’s commitment' },
  NO_GOVERNANCE: { exit: CHAIN, meaning: 'this deployment has no governance contracts' },
  UNKNOWN_PROPOSAL: { exit: USAGE, meaning: 'no proposal with that id' },
  INVALID_PROPOSAL: { exit: USAGE, meaning: 'a --set or --call of a proposal is invalid' },
  UNKNOWN_PARAM: { exit: USAGE, meaning: 'no governed parameter of that name on this chain' },
  PARAM_OUT_OF_BOUNDS: { exit: USAGE, meaning: 'a proposed parameter value is outside its governed bounds' },
  INVALID_VOTE: { exit: USAGE, meaning: 'a vote is not for, against or abstain' },
  BELOW_PROPOSAL_THRESHOLD: { exit: REVERTED, meaning: 'the proposer’s votes are below the proposal threshold' },
  NOTHING_TO_CLAIM: { exit: REVERTED, meaning: 'nothing is claimable yet' },
} as const satisfies Record<string, CodeInfo>;

/** The model market: models, hosts, channels, paid calls. */
const market = {
  NO_MARKET: { exit: CHAIN, meaning: 'this deployment has no model market' },
  UNKNOWN_MODEL: { exit: USAGE, meaning: 'no registered model with that id' },
  UNKNOWN_CHANNEL: { exit: USAGE, meaning: 'no payment channel with that id' },
  NO_HOST: { exit: USAGE, meaning: 'no active host serves the model (or not the --host named)' },
  NOT_REGISTRABLE: { exit: USAGE, meaning: 'the task has no model to register yet (an Arena task not finalized, an Alliance task not finished or with no accepted update)' },
  BAD_INPUT: { exit: USAGE, meaning: 'the --input file of `flock call` is unreadable or does not fit the model’s input' },
  CALL_REFUSED: { exit: REVERTED, meaning: 'the host refused or failed a paid call (its answer says why); nothing more was signed' },
  HOST_UNREACHABLE: { exit: NETWORK, meaning: 'the host’s endpoint did not answer' },
  CHANNEL_CLOSING: { exit: USAGE, meaning: 'the channel is closing or closed: open a new one' },
  SERVE_MODEL_MISMATCH: { exit: INTEGRITY, meaning: 'the model fetched from the store is not the registered one, or not an ONNX model onnxruntime can load' },
} as const satisfies Record<string, CodeInfo>;

/** The trainer and validator daemons. */
const daemon = {
  BAD_DAEMON_STATE: { exit: USAGE, meaning: 'a daemon state file is unreadable' },
  STATE_ACCOUNT: { exit: USAGE, meaning: 'a daemon state file belongs to another account' },
  DAEMON_RUNNING: { exit: USAGE, meaning: 'another daemon of this home already works on the task' },
  DEADLINE_MISSED: { exit: INTERRUPTED, meaning: 'the task moved past a phase the daemon still had to act in' },
  WAIT_TIMEOUT: { exit: INTERRUPTED, meaning: '`flock task wait` gave up: the participants had not acted within --timeout' },
  DEMO_TIMEOUT: { exit: INTERRUPTED, meaning: 'a phase of `flock demo` did not complete in time (its log says which actor lagged)' },
  BAD_TRAINER_CONFIG: { exit: USAGE, meaning: 'the --trainer-config file is invalid' },
  NO_MODEL_CONFIG: { exit: USAGE, meaning: 'neither the task nor the trainer config names a model' },
  MODEL_FILE: { exit: USAGE, meaning: 'the --model file is missing or unreadable' },
  MODEL_INVALID: { exit: INTEGRITY, meaning: 'our own model fails the task’s model contract' },
  TASK_DATA_INVALID: { exit: INTEGRITY, meaning: 'a task’s published training data or revealed validation set breaks its schema (the creator’s fault): refused before staking or committing' },
  MODEL_CHANGED: { exit: INTEGRITY, meaning: 'the kept model no longer hashes to the committed CID' },
  MODEL_MISSING: { exit: INTEGRITY, meaning: 'the committed model is neither kept locally nor in the store' },
} as const satisfies Record<string, CodeInfo>;

/** By domain, in the order docs/EXIT_CODES.md lists them. */
export const ERROR_DOMAINS = { cli, config, wallet, chain, devnet, storage, engine, fl, protocol, market, daemon } as const;

type Domains = typeof ERROR_DOMAINS;
export type ErrorCode = { [D in keyof Domains]: keyof Domains[D] }[keyof Domains] & string;

export const ERROR_CODES: Readonly<Record<ErrorCode, CodeInfo>> = Object.assign({}, ...Object.values(ERROR_DOMAINS));
