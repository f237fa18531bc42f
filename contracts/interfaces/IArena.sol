// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArenaActions} from "./IArenaActions.sol";
import {IArenaBase} from "./IArenaBase.sol";
import {IArenaViews} from "./IArenaViews.sol";

/// @title IArena
/// @notice The AI Arena: permissionless training competitions with on-chain consensus, rewards and
/// slashing. A creator stakes gmFLOCK and names the training data, a commitment to a hidden
/// validation set, the metric, the model contract and a baseline; training nodes stake, commit to
/// a model and reveal it; the creator reveals the validation set; validators commit and reveal a
/// score per submission; anyone finalizes in bounded batches; everyone pulls what they are owed.
/// @dev Lifecycle (all times fixed at creation; `scoreRevealEnd` is rounded up to a whole hour):
/// - Submit   [createdAt, submitEnd): nodes and validators register; nodes commit
///   keccak256(abi.encode(modelCID, node, salt)) (and may re-commit).
/// - Reveal   [submitEnd, revealEnd): nodes reveal their model; the creator reveals the validation
///   set (keccak256(abi.encode(validationCID, salt))). A creator who has not revealed by
///   `revealEnd` is slashed and the task is cancelled ({cancel}); everyone else gets a full refund.
/// - ScoreCommit [revealEnd, scoreCommitEnd): validators commit a score per revealed submission.
/// - ScoreReveal [scoreCommitEnd, scoreRevealEnd): validators reveal.
/// - Finalizing from `scoreRevealEnd`: {finalize} settles submissions in batches (consensus,
///   slashes, validator quality), then {rank} takes the order of the eligible submissions (a hint
///   that nobody can get wrong for good: a later call with a higher submission corrects it); the
///   task is then Finalized and everything is claimable ({claim}).
/// Scores are the raw metric value scaled by 1e18 (e.g. accuracy 0.91 = 0.91e18, MSE 0.02 =
/// 0.02e18) or a mark that the model is invalid. The Arena orients them so that higher is better
/// (a lower-is-better metric's values are negated); invalid ranks below every score.
/// Emission: the Arena is an {IEmissionGauge} weighted by the gmFLOCK staked in tasks that are
/// still earning; it streams what it pulls to the earning tasks by weight stake^beta (stake =
/// creator + node + validator stake, delegated pool stake included) until each task's
/// `scoreRevealEnd`.
/// Use this interface (its ABI) at the Arena's address: {IArenaActions} is implemented by the
/// Arena contract, {IArenaViews} by its lens module behind the Arena's fallback, and {IArenaBase}
/// (constants, wiring) by the base both share.
interface IArena is IArenaActions, IArenaViews, IArenaBase {}
