// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IModelMarket
/// @notice The model market: models the network made (a finalized Arena task's winner, a finished
/// Alliance task's final global model) registered from their task's settlement, served by hosts
/// who stake gmFLOCK and set a price per call, and paid through payment channels: a caller
/// deposits FLOCK, signs an EIP-712 voucher for the cumulative amount with every call, and the host
/// redeems the latest voucher in one transaction for any number of calls. A redemption pays a
/// governed fee to the treasury, the host its governed share, and the rest to the model's
/// contributors, each by the share its task's settlement gives it (pull claims; a contributor's
/// delegation pool gets its part).
interface IModelMarket {
    // ---------------------------------------------------------------- types

    /// @notice Where a model comes from.
    enum Source {
        None,
        Arena,
        Alliance
    }

    /// @notice A registered model.
    /// @param source Its source.
    /// @param taskId Its task (Arena or Alliance).
    /// @param submissionId The Arena submission (0 for an Alliance model).
    /// @param modelCID The ONNX model's CID.
    /// @param registeredBy Who registered it.
    /// @param registeredAt When.
    /// @param revenue FLOCK credited to its contributors so far (cumulative).
    /// @param redeemed FLOCK redeemed for it so far, before the split.
    /// @param calls Calls paid by the redeemed vouchers.
    /// @param hostCount Hosts that ever offered it.
    struct ModelInfo {
        Source source;
        uint256 taskId;
        uint256 submissionId;
        string modelCID;
        address registeredBy;
        uint64 registeredAt;
        uint256 revenue;
        uint256 redeemed;
        uint256 calls;
        uint256 hostCount;
    }

    /// @notice A host's offer for a model.
    /// @param price FLOCK per call.
    /// @param stake gmFLOCK staked.
    /// @param endpoint The base URL callers send Open Inference Protocol v2 requests to.
    /// @param active Whether it takes new channels.
    /// @param unlockAt When a retired offer's stake may be withdrawn (0 while active).
    /// @param calls Calls it redeemed.
    /// @param redeemed FLOCK it redeemed, before the split.
    struct OfferInfo {
        uint256 price;
        uint256 stake;
        string endpoint;
        bool active;
        uint64 unlockAt;
        uint256 calls;
        uint256 redeemed;
    }

    /// @notice A payment channel.
    /// @param caller Who deposits and signs vouchers.
    /// @param host Who serves and redeems.
    /// @param modelId The model it pays for.
    /// @param deposit FLOCK deposited so far.
    /// @param redeemed FLOCK redeemed so far.
    /// @param calls Calls of the latest redeemed voucher.
    /// @param fee The protocol fee it splits by (WAD, fixed at opening).
    /// @param hostShare The host's share it splits by (WAD, fixed at opening).
    /// @param closeAt 0 while open; else the end of the host's window to redeem.
    /// @param closed Whether the caller took the rest back.
    struct ChannelInfo {
        address caller;
        address host;
        uint256 modelId;
        uint256 deposit;
        uint256 redeemed;
        uint256 calls;
        uint256 fee;
        uint256 hostShare;
        uint64 closeAt;
        bool closed;
    }

    // ---------------------------------------------------------------- errors

    /// @notice No model with that id.
    /// @param modelId The model.
    error MarketUnknownModel(uint256 modelId);
    /// @notice No channel with that id.
    /// @param channelId The channel.
    error MarketUnknownChannel(uint256 channelId);
    /// @notice The task has no model to register: an Arena task not finalized or a submission not
    /// ranked first, an Alliance task not finished or with no accepted update.
    /// @param source The source.
    /// @param taskId The task.
    /// @param submissionId The Arena submission (0 for the Alliance).
    error MarketNotRegistrable(Source source, uint256 taskId, uint256 submissionId);
    /// @notice The model is registered already.
    /// @param modelId The model.
    error MarketAlreadyRegistered(uint256 modelId);
    /// @notice That source has no contract in this deployment.
    /// @param source The source.
    error MarketNoSource(Source source);
    /// @notice A price of 0, an empty or overlong endpoint.
    error MarketBadOffer();
    /// @notice The host's stake would stay below market.minHostStake.
    /// @param stake The stake (gmFLOCK).
    /// @param min market.minHostStake.
    error MarketStakeTooLow(uint256 stake, uint256 min);
    /// @notice The host has no active offer for the model.
    /// @param modelId The model.
    /// @param host The host.
    error MarketNoOffer(uint256 modelId, address host);
    /// @notice The retired offer's stake is still locked (or there is none).
    /// @param unlockAt When the stake unlocks (0: the offer is active).
    error MarketStakeLocked(uint256 unlockAt);
    /// @notice A deposit or top-up of 0.
    error MarketZeroAmount();
    /// @notice Only the channel's caller (or host) may do that.
    /// @param channelId The channel.
    /// @param account The account.
    error MarketNotParty(uint256 channelId, address account);
    /// @notice The channel is closing or closed.
    /// @param channelId The channel.
    error MarketChannelClosing(uint256 channelId);
    /// @notice The channel is still in its host's window to redeem.
    /// @param channelId The channel.
    /// @param closeAt The end of the host's window to redeem (0: not closing).
    error MarketChannelNotExpired(uint256 channelId, uint256 closeAt);
    /// @notice The voucher's signature is not the channel caller's.
    /// @param channelId The channel.
    error MarketBadSignature(uint256 channelId);
    /// @notice The voucher pays nothing more than what was redeemed (stale or replayed), or its
    /// call count went down.
    /// @param channelId The channel.
    error MarketNothingToRedeem(uint256 channelId);
    /// @notice The contributor has nothing to claim.
    /// @param modelId The model.
    /// @param contributor The contributor.
    error MarketNothingToClaim(uint256 modelId, address contributor);

    // ---------------------------------------------------------------- events

    /// @notice A model was registered.
    /// @param modelId The model.
    /// @param source The source.
    /// @param taskId The task.
    /// @param submissionId The Arena submission (0 for the Alliance).
    /// @param modelCID The ONNX model's CID.
    event ModelRegistered(uint256 indexed modelId, Source source, uint256 indexed taskId, uint256 submissionId, string modelCID);
    /// @notice A host created, updated or re-activated its offer.
    /// @param modelId The model.
    /// @param host The host.
    /// @param price FLOCK per call.
    /// @param stake The stake (gmFLOCK).
    /// @param endpoint The host's base URL.
    event OfferUpdated(uint256 indexed modelId, address indexed host, uint256 price, uint256 stake, string endpoint);
    /// @notice A host retired its offer.
    /// @param modelId The model.
    /// @param host The host.
    /// @param unlockAt When the stake unlocks (0: the offer is active).
    event OfferRetired(uint256 indexed modelId, address indexed host, uint256 unlockAt);
    /// @notice A host withdrew a retired offer's stake.
    /// @param modelId The model.
    /// @param host The host.
    /// @param amount FLOCK.
    event StakeWithdrawn(uint256 indexed modelId, address indexed host, uint256 amount);
    /// @notice A channel was opened.
    /// @param channelId The channel.
    /// @param caller The caller.
    /// @param host The host.
    /// @param modelId The model.
    /// @param deposit FLOCK deposited in all.
    event ChannelOpened(uint256 indexed channelId, address indexed caller, address indexed host, uint256 modelId, uint256 deposit);
    /// @notice A channel was topped up.
    /// @param channelId The channel.
    /// @param amount FLOCK.
    /// @param deposit FLOCK deposited in all.
    event ChannelToppedUp(uint256 indexed channelId, uint256 amount, uint256 deposit);
    /// @notice A host redeemed a voucher: `amount` more FLOCK for `calls` more calls, split.
    /// @param channelId The channel.
    /// @param modelId The model.
    /// @param host The host.
    /// @param amount FLOCK.
    /// @param calls Calls paid.
    /// @param fee FLOCK to the treasury.
    /// @param hostAmount FLOCK to the host.
    /// @param revenue FLOCK to the model's contributors.
    event Redeemed(
        uint256 indexed channelId,
        uint256 indexed modelId,
        address indexed host,
        uint256 amount,
        uint256 calls,
        uint256 fee,
        uint256 hostAmount,
        uint256 revenue
    );
    /// @notice The caller started closing a channel.
    /// @param channelId The channel.
    /// @param closeAt The end of the host's window to redeem (0: not closing).
    event ChannelClosing(uint256 indexed channelId, uint256 closeAt);
    /// @notice The caller closed a channel and got `refund` back.
    /// @param channelId The channel.
    /// @param refund FLOCK refunded to the caller.
    event ChannelClosed(uint256 indexed channelId, uint256 refund);
    /// @notice A contributor's revenue was paid: `own` to it, `pool` into its delegation pool.
    /// @param modelId The model.
    /// @param contributor The contributor.
    /// @param own FLOCK paid to the contributor.
    /// @param pool FLOCK paid into its pool.
    event RevenueClaimed(uint256 indexed modelId, address indexed contributor, uint256 own, uint256 pool);

    // ---------------------------------------------------------------- models

    /// @notice Registers a finalized Arena task's winner (a submission ranked first) as a model.
    /// Anyone may; once per submission.
    /// @param taskId The Arena task.
    /// @param submissionId The winning submission.
    /// @return modelId The new model's id.
    function registerArenaModel(uint256 taskId, uint256 submissionId) external returns (uint256 modelId);

    /// @notice Registers a finished Alliance task's final global model. Anyone may; once per task.
    /// @param taskId The Alliance task.
    /// @return modelId The new model's id.
    function registerAllianceModel(uint256 taskId) external returns (uint256 modelId);

    // ---------------------------------------------------------------- hosts

    /// @notice Creates, updates or re-activates the caller's offer to serve a model, adding `stake`
    /// gmFLOCK (the total must reach market.minHostStake).
    /// @param modelId The model.
    /// @param price FLOCK per call (> 0).
    /// @param stake gmFLOCK to add (approved to this contract).
    /// @param endpoint The base URL of the host's server (1..256 bytes).
    function offer(uint256 modelId, uint256 price, uint256 stake, string calldata endpoint) external;

    /// @notice Retires the caller's offer: no new channels; its stake unlocks after
    /// market.hostUnbonding. Open channels may still be served and redeemed.
    /// @param modelId The model.
    function retire(uint256 modelId) external;

    /// @notice Returns a retired offer's stake once it has unlocked.
    /// @param modelId The model.
    function withdrawStake(uint256 modelId) external;

    // ---------------------------------------------------------------- channels

    /// @notice Opens a channel with `host` for `modelId`, depositing `deposit` FLOCK.
    /// @param modelId The model.
    /// @param host A host with an active offer for it.
    /// @param deposit FLOCK (> 0, approved to this contract).
    /// @return channelId The new channel's id.
    function open(uint256 modelId, address host, uint256 deposit) external returns (uint256 channelId);

    /// @notice Adds `amount` FLOCK to an open channel; its caller only.
    /// @param channelId The channel.
    /// @param amount FLOCK (> 0, approved to this contract).
    function topUp(uint256 channelId, uint256 amount) external;

    /// @notice Redeems the caller's voucher for the cumulative `amount` and `calls`: pays what it
    /// adds to what was redeemed (capped at the deposit), split. Its host only, while the channel
    /// is open or in its window to redeem.
    /// @param channelId The channel.
    /// @param amount The voucher's cumulative FLOCK.
    /// @param calls The voucher's cumulative calls.
    /// @param signature The caller's EIP-712 signature of Voucher(channelId, amount, calls).
    function redeem(uint256 channelId, uint256 amount, uint64 calls, bytes calldata signature) external;

    /// @notice Starts closing a channel; its caller only. The host may redeem for
    /// market.channelTimeout more.
    /// @param channelId The channel.
    function startClose(uint256 channelId) external;

    /// @notice Closes a channel after its window to redeem and refunds the rest of the deposit;
    /// its caller only.
    /// @param channelId The channel.
    function close(uint256 channelId) external;

    // ---------------------------------------------------------------- contributors

    /// @notice Pays `contributor` what it is owed of a model's revenue: its own part to it, its
    /// pool's part into its pool. Anyone may.
    /// @param modelId The model.
    /// @param contributor The contributor.
    /// @return own FLOCK paid to the contributor.
    /// @return pool FLOCK paid into its pool.
    function claim(uint256 modelId, address contributor) external returns (uint256 own, uint256 pool);

    // ---------------------------------------------------------------- views

    /// @notice Models registered (ids are 1..modelCount).
    /// @return The count.
    function modelCount() external view returns (uint256);

    /// @notice A model.
    /// @param modelId The model.
    /// @return The model's record.
    function model(uint256 modelId) external view returns (ModelInfo memory);

    /// @notice The model registered from a task (and submission), or 0.
    /// @param source Arena (1) or Alliance (2).
    /// @param taskId The task.
    /// @param submissionId The Arena submission (0 for the Alliance).
    /// @return The model id, or 0.
    function modelOf(uint8 source, uint256 taskId, uint256 submissionId) external view returns (uint256);

    /// @notice Hosts that ever offered a model.
    /// @param modelId The model.
    /// @return The count.
    function hostCount(uint256 modelId) external view returns (uint256);

    /// @notice The `index`-th host that offered a model.
    /// @param modelId The model.
    /// @param index 0..hostCount-1.
    /// @return The host.
    function hostAt(uint256 modelId, uint256 index) external view returns (address);

    /// @notice A host's offer for a model.
    /// @param modelId The model.
    /// @param host The host.
    /// @return The offer (zeros when none).
    function offerOf(uint256 modelId, address host) external view returns (OfferInfo memory);

    /// @notice Channels opened (ids are 1..channelCount).
    /// @return The count.
    function channelCount() external view returns (uint256);

    /// @notice A channel.
    /// @param channelId The channel.
    /// @return The channel's record.
    function channel(uint256 channelId) external view returns (ChannelInfo memory);

    /// @notice The EIP-712 digest a caller signs for a voucher.
    /// @param channelId The channel.
    /// @param amount Cumulative FLOCK.
    /// @param calls Cumulative calls.
    /// @return The digest.
    function voucherDigest(uint256 channelId, uint256 amount, uint64 calls) external view returns (bytes32);

    /// @notice An account's share of a model's contributor revenue, from the task's settlement.
    /// @param modelId The model.
    /// @param account The account.
    /// @return share Its share (WAD; the shares of a model add up to at most 1e18).
    /// @return poolPart The part of it that goes to its delegation pool (WAD of the share).
    function contribution(uint256 modelId, address account) external view returns (uint256 share, uint256 poolPart);

    /// @notice What {claim} would pay an account now.
    /// @param modelId The model.
    /// @param account The account.
    /// @return own FLOCK to it.
    /// @return pool FLOCK into its pool.
    function claimable(uint256 modelId, address account) external view returns (uint256 own, uint256 pool);

    /// @notice FLOCK an account was paid of a model's revenue (own and pool parts together).
    /// @param modelId The model.
    /// @param account The account.
    /// @return The amount.
    function claimed(uint256 modelId, address account) external view returns (uint256);

    /// @notice The market's running totals (FLOCK).
    /// @return deposited Deposited into channels.
    /// @return redeemed Redeemed by hosts (fees + host shares + revenue).
    /// @return refunded Refunded to callers.
    /// @return revenue Credited to contributors.
    /// @return paidOut Claimed by contributors (own and pool parts).
    function totals()
        external
        view
        returns (uint256 deposited, uint256 redeemed, uint256 refunded, uint256 revenue, uint256 paidOut);
}
