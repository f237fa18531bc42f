// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IAllianceRandomness
/// @notice The one source of randomness of the Alliance: one random word per key (e.g.
/// keccak256(taskId, round)), from Chainlink VRF v2.5 on public chains and from Chainlink's own
/// coordinator mock on the devnet, behind this interface. Roles of a round are a pure function of
/// the word (AllianceRoles), so anyone can check them off chain.
/// @dev Only the requester (the Alliance contract, set once by the owner) asks for a key's word.
/// A request not fulfilled within `requestTimeout` seconds may be renewed by anyone. Every request
/// made for a key stays valid: the first fulfilment of any of them sets the word, later ones are
/// ignored (never reverting, since the coordinator does not retry a reverted callback). So renewing
/// cannot veto a word already on its way (a fulfilment seen in the mempool stays good), and a word,
/// once set, never changes.
interface IAllianceRandomness {
    /// @notice The coordinator request settings; changed only by the owner.
    /// @param keyHash The VRF key (gas lane) to request from.
    /// @param subscriptionId The coordinator subscription that pays for requests.
    /// @param callbackGasLimit Gas the coordinator forwards to the fulfilment callback.
    /// @param requestConfirmations Blocks the coordinator waits before fulfilling.
    /// @param nativePayment Whether requests are paid in the native token (else in LINK).
    /// @param requestTimeout Seconds after a request before anyone may renew it.
    struct Config {
        bytes32 keyHash;
        uint256 subscriptionId;
        uint32 callbackGasLimit;
        uint16 requestConfirmations;
        bool nativePayment;
        uint64 requestTimeout;
    }

    /// @notice Thrown when an account other than the requester asks for a word.
    /// @param caller The account that tried.
    error RandomnessNotRequester(address caller);

    /// @notice Thrown when the requester is set a second time.
    /// @param requester The requester already set.
    error RandomnessRequesterAlreadySet(address requester);

    /// @notice Thrown when the requester would be the zero address.
    error RandomnessZeroRequester();

    /// @notice Thrown when the zero key is used; it marks unknown requests.
    error RandomnessZeroKey();

    /// @notice Thrown when the requester asks for a key it already asked for.
    /// @param key The key.
    error RandomnessAlreadyRequested(bytes32 key);

    /// @notice Thrown when a key that was never requested is renewed.
    /// @param key The key.
    error RandomnessNotRequested(bytes32 key);

    /// @notice Thrown when a key whose word is set is renewed.
    /// @param key The key.
    error RandomnessAlreadyFulfilled(bytes32 key);

    /// @notice Thrown when a key is renewed before its latest request timed out.
    /// @param key The key.
    /// @param renewableAt The first timestamp at which it may be renewed.
    error RandomnessNotTimedOut(bytes32 key, uint256 renewableAt);

    /// @notice Thrown when a configuration is unusable.
    /// @param reason What is wrong with it.
    error RandomnessBadConfig(string reason);

    /// @notice Emitted once, when the owner names the requester.
    /// @param requester The account that may request words from now on.
    event RandomnessRequesterSet(address indexed requester);

    /// @notice Emitted when the owner sets the coordinator request settings (also at deployment).
    /// @param config The new settings.
    event RandomnessConfigSet(Config config);

    /// @notice Emitted when a word is requested for a key, first or on renewal.
    /// @param key The key.
    /// @param requestId The coordinator's id of the new request.
    /// @param caller The account that asked (the requester, or anyone on renewal).
    /// @param attempt 1 for the first request of the key, then 2, 3, ... for renewals.
    event RandomnessRequested(bytes32 indexed key, uint256 indexed requestId, address indexed caller, uint256 attempt);

    /// @notice Emitted when a key's word is set; it never changes afterwards.
    /// @param key The key.
    /// @param requestId The request whose fulfilment set it.
    /// @param word The random word.
    event RandomnessFulfilled(bytes32 indexed key, uint256 indexed requestId, uint256 word);

    /// @notice Emitted when a fulfilment is ignored: its request is unknown, or its key's word is
    /// already set by another request of the key.
    /// @param requestId The request fulfilled.
    /// @param key The request's key (zero when unknown).
    event RandomnessFulfilmentIgnored(uint256 indexed requestId, bytes32 indexed key);

    /// @notice The shortest `requestTimeout` a configuration may have.
    /// @return Seconds.
    function MIN_REQUEST_TIMEOUT() external view returns (uint64);

    /// @notice The account that may request words (zero until set).
    /// @return The requester.
    function requester() external view returns (address);

    /// @notice The coordinator request settings.
    /// @return The settings.
    function config() external view returns (Config memory);

    /// @notice Names the requester, once.
    /// @dev Requirements: the caller is the owner; no requester yet; not the zero address.
    /// Emits {RandomnessRequesterSet}.
    /// @param requester_ The account that may request words.
    function setRequester(address requester_) external;

    /// @notice Sets the coordinator request settings, for requests made from now on.
    /// @dev Requirements: the caller is the owner; `requestTimeout` >= MIN_REQUEST_TIMEOUT;
    /// `callbackGasLimit` > 0. Emits {RandomnessConfigSet}.
    /// @param config_ The new settings.
    function setConfig(Config calldata config_) external;

    /// @notice Requests the word of `key` from the coordinator.
    /// @dev Requirements: the caller is the requester; `key` is not zero and was never requested.
    /// Emits {RandomnessRequested} with attempt 1.
    /// @param key The key, e.g. keccak256(abi.encode(taskId, round)).
    /// @return requestId The coordinator's id of the request.
    function requestWord(bytes32 key) external returns (uint256 requestId);

    /// @notice Renews the request of `key` whose latest request was not fulfilled in time. Anyone
    /// may call it. Earlier requests of the key stay valid: whichever is fulfilled first sets the word.
    /// @dev Requirements: `key` was requested; its word is not set; at least `requestTimeout`
    /// seconds passed since its latest request. Emits {RandomnessRequested}.
    /// @param key The key.
    /// @return requestId The coordinator's id of the new request.
    function reRequest(bytes32 key) external returns (uint256 requestId);

    /// @notice The word of `key`.
    /// @param key The key.
    /// @return word The random word (0 until ready).
    /// @return ready Whether the word is set; once true it never changes, nor does the word.
    function wordOf(bytes32 key) external view returns (uint256 word, bool ready);

    /// @notice The state of `key`'s request, for watchers and renewals.
    /// @param key The key.
    /// @return requestId The latest request's id (0 if never requested).
    /// @return requestedAt When the latest request was made (0 if never requested).
    /// @return attempts How many requests were made for the key.
    /// @return ready Whether the word is set.
    function requestOf(bytes32 key)
        external
        view
        returns (uint256 requestId, uint64 requestedAt, uint32 attempts, bool ready);

    /// @notice The key a coordinator request was made for.
    /// @param requestId The coordinator's request id.
    /// @return The key (zero if the request is not this contract's).
    function keyOf(uint256 requestId) external view returns (bytes32);
}
