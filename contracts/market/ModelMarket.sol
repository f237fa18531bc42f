// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IAlliance} from "../interfaces/IAlliance.sol";
import {IAllianceTypes} from "../interfaces/IAllianceTypes.sol";
import {IArena} from "../interfaces/IArena.sol";
import {IArenaTypes} from "../interfaces/IArenaTypes.sol";
import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IModelMarket} from "../interfaces/IModelMarket.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {Params} from "../libraries/Params.sol";

/// @title ModelMarket
/// @notice See {IModelMarket}. Contributor shares are read from the source task's settlement when
/// they are needed (it is final once the task is), so registering a model writes one record and
/// no transaction loops over contributors: a model keeps its cumulative revenue, and a
/// contributor is owed `revenue * share - claimed`.
contract ModelMarket is IModelMarket, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint256 private constant WAD = 1e18;
    uint256 private constant MAX_ENDPOINT = 256;
    bytes32 private constant VOUCHER_TYPEHASH = keccak256("Voucher(uint256 channelId,uint256 amount,uint64 calls)");

    struct Model {
        Source source;
        uint64 registeredAt;
        address registeredBy;
        uint256 taskId;
        uint256 submissionId;
        uint256 revenue;
        uint256 redeemed;
        uint256 calls;
        string modelCID;
        address[] hosts;
    }

    struct Offer {
        uint128 price;
        uint128 stake;
        bool listed;
        bool active;
        uint64 unlockAt;
        uint64 calls;
        uint128 redeemed;
        string endpoint;
    }

    struct Channel {
        address caller;
        uint64 closeAt;
        bool closed;
        address host;
        uint64 calls;
        uint64 fee;
        uint64 hostShare;
        uint128 deposit;
        uint128 redeemed;
        uint256 modelId;
    }

    IERC20 private immutable _flock;
    IGmFlock private immutable _gm;
    IProtocolConfig private immutable _config;
    IDelegationPools private immutable _pools;
    IArena private immutable _arena;
    IAlliance private immutable _alliance;

    Model[] private _models;
    Channel[] private _channels;
    mapping(bytes32 key => uint256 modelId) private _modelOf;
    mapping(uint256 modelId => mapping(address host => Offer)) private _offers;
    mapping(uint256 modelId => mapping(address account => uint256)) private _claimed;

    uint256 private _deposited;
    uint256 private _redeemedTotal;
    uint256 private _refunded;
    uint256 private _revenueTotal;
    uint256 private _paidOut;

    /// @param flock_ The FLOCK token (deposits and payouts).
    /// @param gm_ gmFLOCK (hosts' stakes; this contract needs the config's GM_HOLDER_ROLE).
    /// @param config_ The protocol config (market.* parameters, the treasury).
    /// @param pools_ The delegation pools (contributors' pools get their part by notifyReward).
    /// @param arena_ The Arena.
    /// @param alliance_ The Alliance, or zero where the deployment has none.
    constructor(
        IERC20 flock_,
        IGmFlock gm_,
        IProtocolConfig config_,
        IDelegationPools pools_,
        IArena arena_,
        IAlliance alliance_
    ) EIP712("FLock Model Market", "1") {
        _flock = flock_;
        _gm = gm_;
        _config = config_;
        _pools = pools_;
        _arena = arena_;
        _alliance = alliance_;
    }

    // ================================================================ models

    /// @inheritdoc IModelMarket
    function registerArenaModel(uint256 taskId, uint256 submissionId) external returns (uint256 modelId) {
        if (address(_arena) == address(0)) revert MarketNoSource(Source.Arena);
        if (_arena.task(taskId).phase != IArenaTypes.Phase.Finalized) {
            revert MarketNotRegistrable(Source.Arena, taskId, submissionId);
        }
        IArenaTypes.SubmissionInfo memory s = _arena.submission(taskId, submissionId);
        if (s.status != IArenaTypes.SubmissionStatus.Ranked || s.rank != 0) {
            revert MarketNotRegistrable(Source.Arena, taskId, submissionId);
        }
        return _register(Source.Arena, taskId, submissionId, s.modelCID);
    }

    /// @inheritdoc IModelMarket
    function registerAllianceModel(uint256 taskId) external returns (uint256 modelId) {
        if (address(_alliance) == address(0)) revert MarketNoSource(Source.Alliance);
        IAllianceTypes.TaskInfo memory t = _alliance.task(taskId);
        if (t.status != IAllianceTypes.TaskStatus.Finished || t.acceptedUpdates == 0) {
            revert MarketNotRegistrable(Source.Alliance, taskId, 0);
        }
        return _register(Source.Alliance, taskId, 0, t.globalModelCID);
    }

    function _register(Source source, uint256 taskId, uint256 submissionId, string memory cid)
        private
        returns (uint256 modelId)
    {
        bytes32 key = _key(source, taskId, submissionId);
        if (_modelOf[key] != 0) revert MarketAlreadyRegistered(_modelOf[key]);
        Model storage m = _models.push();
        modelId = _models.length;
        _modelOf[key] = modelId;
        m.source = source;
        m.taskId = taskId;
        m.submissionId = submissionId;
        m.modelCID = cid;
        m.registeredBy = msg.sender;
        m.registeredAt = uint64(block.timestamp);
        emit ModelRegistered(modelId, source, taskId, submissionId, cid);
    }

    // ================================================================ hosts

    /// @inheritdoc IModelMarket
    function offer(uint256 modelId, uint256 price, uint256 stake, string calldata endpoint) external nonReentrant {
        Model storage m = _model(modelId);
        if (price == 0 || bytes(endpoint).length == 0 || bytes(endpoint).length > MAX_ENDPOINT) revert MarketBadOffer();
        Offer storage o = _offers[modelId][msg.sender];
        uint256 total = o.stake + stake;
        uint256 min = _config.get(Params.MARKET_MIN_HOST_STAKE);
        if (total < min || total == 0) revert MarketStakeTooLow(total, min);
        if (!o.listed) {
            o.listed = true;
            m.hosts.push(msg.sender);
        }
        o.price = price.toUint128();
        o.stake = total.toUint128();
        o.endpoint = endpoint;
        o.active = true;
        o.unlockAt = 0;
        if (stake > 0) IERC20(address(_gm)).safeTransferFrom(msg.sender, address(this), stake);
        emit OfferUpdated(modelId, msg.sender, price, total, endpoint);
    }

    /// @inheritdoc IModelMarket
    function retire(uint256 modelId) external {
        _model(modelId);
        Offer storage o = _offers[modelId][msg.sender];
        if (!o.active) revert MarketNoOffer(modelId, msg.sender);
        o.active = false;
        uint256 unlockAt = block.timestamp + _config.get(Params.MARKET_HOST_UNBONDING);
        o.unlockAt = unlockAt.toUint64();
        emit OfferRetired(modelId, msg.sender, unlockAt);
    }

    /// @inheritdoc IModelMarket
    function withdrawStake(uint256 modelId) external nonReentrant {
        _model(modelId);
        Offer storage o = _offers[modelId][msg.sender];
        uint256 amount = o.stake;
        if (o.active || o.unlockAt == 0 || amount == 0 || block.timestamp < o.unlockAt) revert MarketStakeLocked(o.unlockAt);
        o.stake = 0;
        o.unlockAt = 0;
        IERC20(address(_gm)).safeTransfer(msg.sender, amount);
        emit StakeWithdrawn(modelId, msg.sender, amount);
    }

    // ================================================================ channels

    /// @inheritdoc IModelMarket
    function open(uint256 modelId, address host, uint256 deposit) external nonReentrant returns (uint256 channelId) {
        _model(modelId);
        if (!_offers[modelId][host].active) revert MarketNoOffer(modelId, host);
        if (deposit == 0) revert MarketZeroAmount();
        uint256 fee = _config.get(Params.MARKET_FEE);
        uint256 hostShare = Math.min(_config.get(Params.MARKET_HOST_SHARE), WAD - fee);
        Channel storage c = _channels.push();
        channelId = _channels.length;
        c.caller = msg.sender;
        c.host = host;
        c.modelId = modelId;
        c.deposit = deposit.toUint128();
        c.fee = fee.toUint64();
        c.hostShare = hostShare.toUint64();
        _deposited += deposit;
        _flock.safeTransferFrom(msg.sender, address(this), deposit);
        emit ChannelOpened(channelId, msg.sender, host, modelId, deposit);
    }

    /// @inheritdoc IModelMarket
    function topUp(uint256 channelId, uint256 amount) external nonReentrant {
        Channel storage c = _channel(channelId);
        if (msg.sender != c.caller) revert MarketNotParty(channelId, msg.sender);
        if (c.closeAt != 0 || c.closed) revert MarketChannelClosing(channelId);
        if (amount == 0) revert MarketZeroAmount();
        uint256 deposit = c.deposit + amount;
        c.deposit = deposit.toUint128();
        _deposited += amount;
        _flock.safeTransferFrom(msg.sender, address(this), amount);
        emit ChannelToppedUp(channelId, amount, deposit);
    }

    /// @inheritdoc IModelMarket
    function redeem(uint256 channelId, uint256 amount, uint64 calls, bytes calldata signature) external nonReentrant {
        Channel storage c = _channel(channelId);
        if (msg.sender != c.host) revert MarketNotParty(channelId, msg.sender);
        if (c.closed || (c.closeAt != 0 && block.timestamp >= c.closeAt)) revert MarketChannelClosing(channelId);
        if (!SignatureChecker.isValidSignatureNow(c.caller, _voucherDigest(channelId, amount, calls), signature)) {
            revert MarketBadSignature(channelId);
        }
        // A voucher beyond the deposit pays the deposit (the host should not have served it).
        uint256 payable_ = Math.min(amount, c.deposit);
        uint256 before = c.redeemed;
        if (payable_ <= before || calls < c.calls) revert MarketNothingToRedeem(channelId);
        uint256 callDelta = calls - c.calls;
        c.redeemed = payable_.toUint128();
        c.calls = calls;
        _split(c, channelId, payable_ - before, callDelta);
    }

    /// @dev Splits a redemption of `delta` FLOCK for `callDelta` calls: the fee to the treasury, the
    /// host's share to the host, the rest to the model's revenue (fee + host + revenue == delta).
    function _split(Channel storage c, uint256 channelId, uint256 delta, uint256 callDelta) private {
        uint256 fee = Math.mulDiv(delta, c.fee, WAD);
        uint256 hostAmount = Math.mulDiv(delta, c.hostShare, WAD);
        uint256 revenue = delta - fee - hostAmount;
        uint256 modelId = c.modelId;
        address host = c.host;
        Model storage m = _models[modelId - 1];
        m.revenue += revenue;
        m.redeemed += delta;
        m.calls += callDelta;
        Offer storage o = _offers[modelId][host];
        o.calls += callDelta.toUint64();
        o.redeemed += delta.toUint128();
        _redeemedTotal += delta;
        _revenueTotal += revenue;
        emit Redeemed(channelId, modelId, host, delta, callDelta, fee, hostAmount, revenue);
        if (fee > 0) _flock.safeTransfer(_config.treasury(), fee);
        if (hostAmount > 0) _flock.safeTransfer(host, hostAmount);
    }

    /// @inheritdoc IModelMarket
    function startClose(uint256 channelId) external {
        Channel storage c = _channel(channelId);
        if (msg.sender != c.caller) revert MarketNotParty(channelId, msg.sender);
        if (c.closeAt != 0 || c.closed) revert MarketChannelClosing(channelId);
        uint256 closeAt = block.timestamp + _config.get(Params.MARKET_CHANNEL_TIMEOUT);
        c.closeAt = closeAt.toUint64();
        emit ChannelClosing(channelId, closeAt);
    }

    /// @inheritdoc IModelMarket
    function close(uint256 channelId) external nonReentrant {
        Channel storage c = _channel(channelId);
        if (msg.sender != c.caller) revert MarketNotParty(channelId, msg.sender);
        if (c.closed) revert MarketChannelClosing(channelId);
        if (c.closeAt == 0 || block.timestamp < c.closeAt) revert MarketChannelNotExpired(channelId, c.closeAt);
        c.closed = true;
        uint256 refund = c.deposit - c.redeemed;
        _refunded += refund;
        emit ChannelClosed(channelId, refund);
        if (refund > 0) _flock.safeTransfer(c.caller, refund);
    }

    // ================================================================ contributors

    /// @inheritdoc IModelMarket
    function claim(uint256 modelId, address contributor) external nonReentrant returns (uint256 own, uint256 pool) {
        Model storage m = _model(modelId);
        (own, pool) = _claimable(m, modelId, contributor);
        if (own + pool == 0) revert MarketNothingToClaim(modelId, contributor);
        _claimed[modelId][contributor] += own + pool;
        _paidOut += own + pool;
        emit RevenueClaimed(modelId, contributor, own, pool);
        if (own > 0) _flock.safeTransfer(contributor, own);
        if (pool > 0) {
            _flock.forceApprove(address(_pools), pool);
            _pools.notifyReward(contributor, pool);
        }
    }

    // ================================================================ views

    /// @inheritdoc IModelMarket
    function modelCount() external view returns (uint256) {
        return _models.length;
    }

    /// @inheritdoc IModelMarket
    function model(uint256 modelId) external view returns (ModelInfo memory) {
        Model storage m = _model(modelId);
        return ModelInfo({
            source: m.source,
            taskId: m.taskId,
            submissionId: m.submissionId,
            modelCID: m.modelCID,
            registeredBy: m.registeredBy,
            registeredAt: m.registeredAt,
            revenue: m.revenue,
            redeemed: m.redeemed,
            calls: m.calls,
            hostCount: m.hosts.length
        });
    }

    /// @inheritdoc IModelMarket
    function modelOf(uint8 source, uint256 taskId, uint256 submissionId) external view returns (uint256) {
        if (source > uint8(Source.Alliance)) return 0;
        return _modelOf[_key(Source(source), taskId, submissionId)];
    }

    /// @inheritdoc IModelMarket
    function hostCount(uint256 modelId) external view returns (uint256) {
        return _model(modelId).hosts.length;
    }

    /// @inheritdoc IModelMarket
    function hostAt(uint256 modelId, uint256 index) external view returns (address) {
        return _model(modelId).hosts[index];
    }

    /// @inheritdoc IModelMarket
    function offerOf(uint256 modelId, address host) external view returns (OfferInfo memory) {
        Offer storage o = _offers[modelId][host];
        return OfferInfo({
            price: o.price,
            stake: o.stake,
            endpoint: o.endpoint,
            active: o.active,
            unlockAt: o.unlockAt,
            calls: o.calls,
            redeemed: o.redeemed
        });
    }

    /// @inheritdoc IModelMarket
    function channelCount() external view returns (uint256) {
        return _channels.length;
    }

    /// @inheritdoc IModelMarket
    function channel(uint256 channelId) external view returns (ChannelInfo memory) {
        Channel storage c = _channel(channelId);
        return ChannelInfo({
            caller: c.caller,
            host: c.host,
            modelId: c.modelId,
            deposit: c.deposit,
            redeemed: c.redeemed,
            calls: c.calls,
            fee: c.fee,
            hostShare: c.hostShare,
            closeAt: c.closeAt,
            closed: c.closed
        });
    }

    /// @inheritdoc IModelMarket
    function voucherDigest(uint256 channelId, uint256 amount, uint64 calls) external view returns (bytes32) {
        return _voucherDigest(channelId, amount, calls);
    }

    /// @inheritdoc IModelMarket
    function contribution(uint256 modelId, address account) external view returns (uint256 share, uint256 poolPart) {
        uint256 poolShare;
        (share, poolShare) = _shares(_model(modelId), account);
        poolPart = share == 0 ? 0 : Math.mulDiv(poolShare, WAD, share);
    }

    /// @inheritdoc IModelMarket
    function claimable(uint256 modelId, address account) external view returns (uint256 own, uint256 pool) {
        return _claimable(_model(modelId), modelId, account);
    }

    /// @inheritdoc IModelMarket
    function claimed(uint256 modelId, address account) external view returns (uint256) {
        return _claimed[modelId][account];
    }

    /// @inheritdoc IModelMarket
    function totals()
        external
        view
        returns (uint256 deposited, uint256 redeemed, uint256 refunded, uint256 revenue, uint256 paidOut)
    {
        return (_deposited, _redeemedTotal, _refunded, _revenueTotal, _paidOut);
    }

    // ================================================================ internals

    function _key(Source source, uint256 taskId, uint256 submissionId) private pure returns (bytes32) {
        return keccak256(abi.encode(source, taskId, submissionId));
    }

    function _model(uint256 modelId) private view returns (Model storage) {
        if (modelId == 0 || modelId > _models.length) revert MarketUnknownModel(modelId);
        return _models[modelId - 1];
    }

    function _channel(uint256 channelId) private view returns (Channel storage) {
        if (channelId == 0 || channelId > _channels.length) revert MarketUnknownChannel(channelId);
        return _channels[channelId - 1];
    }

    function _voucherDigest(uint256 channelId, uint256 amount, uint64 calls) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOUCHER_TYPEHASH, channelId, amount, calls)));
    }

    /// @dev What `account` is owed now: its share of the revenue less what it was paid, split
    /// between it and its pool as its share is.
    function _claimable(Model storage m, uint256 modelId, address account) private view returns (uint256 own, uint256 pool) {
        (uint256 share, uint256 poolShare) = _shares(m, account);
        if (share == 0) return (0, 0);
        uint256 owed = Math.mulDiv(m.revenue, share, WAD) - _claimed[modelId][account];
        pool = Math.mulDiv(owed, poolShare, share);
        own = owed - pool;
    }

    /// @dev `account`'s share of the model's revenue and the part of it owed to its pool (both WAD
    /// of the revenue), from the source task's settlement. Each part rounds down, so a model's
    /// shares add up to at most 1e18.
    function _shares(Model storage m, address account) private view returns (uint256 share, uint256 poolShare) {
        if (m.source == Source.Arena) return _arenaShares(m.taskId, m.submissionId, account);
        IAllianceTypes.MemberInfo memory mi = _alliance.member(m.taskId, account);
        if (mi.acceptedUpdates == 0) return (0, 0);
        share = Math.mulDiv(mi.acceptedUpdates, WAD, _alliance.task(m.taskId).acceptedUpdates);
        poolShare = _poolPart(share, mi.ownStake, mi.poolStake);
    }

    /// @dev An Arena model's shares by the task's reward split: the winner the nodes' reward, the
    /// creator the creator's, each validator the validators' reward by its points. A part nobody
    /// earned (no validator points) is left out of the whole; a task that paid nothing gives the
    /// winner everything.
    function _arenaShares(uint256 taskId, uint256 submissionId, address account)
        private
        view
        returns (uint256 share, uint256 poolShare)
    {
        IArenaTypes.SettlementInfo memory s = _arena.settlement(taskId);
        uint256 validatorReward = s.totalPoints == 0 ? 0 : s.validatorReward;
        uint256 whole = s.nodeReward + validatorReward + s.creatorReward;
        IArenaTypes.SubmissionInfo memory w = _arena.submission(taskId, submissionId);
        if (account == w.account) {
            uint256 part = whole == 0 ? WAD : Math.mulDiv(s.nodeReward, WAD, whole);
            share += part;
            poolShare += _poolPart(part, w.ownStake, w.poolStake);
        }
        if (whole == 0) return (share, poolShare);
        if (account == _arena.task(taskId).creator) share += Math.mulDiv(s.creatorReward, WAD, whole);
        if (validatorReward == 0) return (share, poolShare);
        (IArenaTypes.Role role, uint256 index) = _arena.participant(taskId, account);
        if (role != IArenaTypes.Role.Validator) return (share, poolShare);
        IArenaTypes.ValidatorInfo memory v = _arena.validator(taskId, index);
        uint256 vpart = Math.mulDiv(Math.mulDiv(validatorReward, v.points, s.totalPoints), WAD, whole);
        share += vpart;
        poolShare += _poolPart(vpart, v.ownStake, v.poolStake);
    }

    function _poolPart(uint256 part, uint256 own, uint256 poolStake) private pure returns (uint256) {
        return poolStake == 0 ? 0 : Math.mulDiv(part, poolStake, own + poolStake);
    }
}
