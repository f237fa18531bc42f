// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VRFConsumerBaseV2Plus} from "@chainlink/contracts/src/v0.8/vrf/dev/VRFConsumerBaseV2Plus.sol";
import {VRFV2PlusClient} from "@chainlink/contracts/src/v0.8/vrf/dev/libraries/VRFV2PlusClient.sol";
import {IAllianceRandomness} from "../interfaces/IAllianceRandomness.sol";

/// @title AllianceRandomness
/// @notice One random word per key from a Chainlink VRF v2.5 coordinator (the real one on public
/// chains, Chainlink's VRFCoordinatorV2_5Mock on the devnet), for the Alliance's role draws.
/// @dev Trust: the owner (meant to be the timelock) sets the request settings and may migrate the
/// coordinator (VRFConsumerBaseV2Plus.setCoordinator); a coordinator can fulfil with any word, so
/// it is as trusted as Chainlink's proofs make it. The requester can only ask, once per key; it
/// cannot choose or change a word. Anyone can renew a timed-out request, which costs the
/// subscription one request per `requestTimeout` per key at most and cannot discard a word already
/// being fulfilled (every request of a key stays valid until one is fulfilled).
/// The callback stores the word and emits one event (about 34k gas, see docs/GAS.md); it never
/// reverts, since the coordinator does not retry a reverted callback.
contract AllianceRandomness is IAllianceRandomness, VRFConsumerBaseV2Plus {
    /// @inheritdoc IAllianceRandomness
    uint64 public constant MIN_REQUEST_TIMEOUT = 1 minutes;

    /// @dev Below this the callback (about 34k with cold storage) could run out of gas.
    uint32 private constant _MIN_CALLBACK_GAS_LIMIT = 50_000;

    /// @dev The state of one key. `requestId` is its latest request's; `ready` is set with `word`.
    struct KeyState {
        uint256 word;
        uint256 requestId;
        uint64 requestedAt;
        uint32 attempts;
        bool ready;
    }

    address private _requester;
    Config private _config;
    mapping(bytes32 key => KeyState) private _keys;
    mapping(uint256 requestId => bytes32 key) private _keyOfRequest;

    /// @param coordinator The VRF v2.5 coordinator (or its mock on the devnet).
    /// @param config_ The request settings (see {setConfig}).
    constructor(address coordinator, Config memory config_) VRFConsumerBaseV2Plus(coordinator) {
        _setConfig(config_);
    }

    /// @inheritdoc IAllianceRandomness
    function requester() external view returns (address) {
        return _requester;
    }

    /// @inheritdoc IAllianceRandomness
    function config() external view returns (Config memory) {
        return _config;
    }

    /// @inheritdoc IAllianceRandomness
    function setRequester(address requester_) external onlyOwner {
        if (_requester != address(0)) revert RandomnessRequesterAlreadySet(_requester);
        if (requester_ == address(0)) revert RandomnessZeroRequester();
        _requester = requester_;
        emit RandomnessRequesterSet(requester_);
    }

    /// @inheritdoc IAllianceRandomness
    function setConfig(Config calldata config_) external onlyOwner {
        _setConfig(config_);
    }

    /// @inheritdoc IAllianceRandomness
    function requestWord(bytes32 key) external returns (uint256 requestId) {
        if (msg.sender != _requester) revert RandomnessNotRequester(msg.sender);
        if (key == bytes32(0)) revert RandomnessZeroKey();
        if (_keys[key].attempts != 0) revert RandomnessAlreadyRequested(key);
        requestId = _request(key);
    }

    /// @inheritdoc IAllianceRandomness
    function reRequest(bytes32 key) external returns (uint256 requestId) {
        KeyState storage s = _keys[key];
        if (s.attempts == 0) revert RandomnessNotRequested(key);
        if (s.ready) revert RandomnessAlreadyFulfilled(key);
        uint256 renewableAt = uint256(s.requestedAt) + _config.requestTimeout;
        if (block.timestamp < renewableAt) revert RandomnessNotTimedOut(key, renewableAt);
        requestId = _request(key);
    }

    /// @inheritdoc IAllianceRandomness
    function wordOf(bytes32 key) external view returns (uint256 word, bool ready) {
        KeyState storage s = _keys[key];
        return (s.word, s.ready);
    }

    /// @inheritdoc IAllianceRandomness
    function requestOf(bytes32 key)
        external
        view
        returns (uint256 requestId, uint64 requestedAt, uint32 attempts, bool ready)
    {
        KeyState storage s = _keys[key];
        return (s.requestId, s.requestedAt, s.attempts, s.ready);
    }

    /// @inheritdoc IAllianceRandomness
    function keyOf(uint256 requestId) external view returns (bytes32) {
        return _keyOfRequest[requestId];
    }

    /// @dev The coordinator's callback (through rawFulfillRandomWords, which checks the caller).
    /// Never reverts: an unknown request, an empty word list or a key already set is ignored.
    function fulfillRandomWords(uint256 requestId, uint256[] calldata randomWords) internal override {
        bytes32 key = _keyOfRequest[requestId];
        KeyState storage s = _keys[key];
        if (key == bytes32(0) || s.ready || randomWords.length == 0) {
            emit RandomnessFulfilmentIgnored(requestId, key);
            return;
        }
        s.word = randomWords[0];
        s.ready = true;
        emit RandomnessFulfilled(key, requestId, randomWords[0]);
    }

    /// @dev Sends a one-word request for `key` and records it as the key's latest.
    function _request(bytes32 key) private returns (uint256 requestId) {
        Config memory c = _config;
        // The coordinator is trusted (see the contract's @dev); the mock and the real one do not
        // call back here during a request.
        requestId = s_vrfCoordinator.requestRandomWords(
            VRFV2PlusClient.RandomWordsRequest({
                keyHash: c.keyHash,
                subId: c.subscriptionId,
                requestConfirmations: c.requestConfirmations,
                callbackGasLimit: c.callbackGasLimit,
                numWords: 1,
                extraArgs: VRFV2PlusClient._argsToBytes(VRFV2PlusClient.ExtraArgsV1({nativePayment: c.nativePayment}))
            })
        );
        KeyState storage s = _keys[key];
        uint32 attempt = s.attempts + 1; // one per requestTimeout (>= 1 minute) per key: no overflow in practice
        s.requestId = requestId;
        s.requestedAt = uint64(block.timestamp);
        s.attempts = attempt;
        _keyOfRequest[requestId] = key;
        emit RandomnessRequested(key, requestId, msg.sender, attempt);
    }

    function _setConfig(Config memory config_) private {
        if (config_.requestTimeout < MIN_REQUEST_TIMEOUT) revert RandomnessBadConfig("requestTimeout");
        if (config_.callbackGasLimit < _MIN_CALLBACK_GAS_LIMIT) revert RandomnessBadConfig("callbackGasLimit");
        _config = config_;
        emit RandomnessConfigSet(config_);
    }
}
