// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {VRFConsumerBaseV2Plus} from "@chainlink/contracts/src/v0.8/vrf/dev/VRFConsumerBaseV2Plus.sol";
import {VRFCoordinatorV2_5Mock} from "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol";
import {AllianceRandomness} from "../../../contracts/alliance/AllianceRandomness.sol";
import {IAllianceRandomness} from "../../../contracts/interfaces/IAllianceRandomness.sol";
import {AllianceFixture} from "../utils/AllianceFixture.sol";

/// @notice AllianceRandomness on Chainlink's VRFCoordinatorV2_5Mock: who may call what, in what
/// order; timeouts and renewals; stale, unknown and repeated fulfilments; a word never changes.
contract AllianceRandomnessTest is AllianceFixture {
    bytes32 private constant KEY = keccak256(abi.encode(uint256(1), uint256(0))); // (taskId, round)

    // ---- Set-up ----

    function test_constructor_setsConfigAndOwner() public view {
        IAllianceRandomness.Config memory c = randomness.config();
        assertEq(c.keyHash, KEY_HASH);
        assertEq(c.subscriptionId, subId);
        assertEq(c.callbackGasLimit, CALLBACK_GAS);
        assertEq(c.requestTimeout, TIMEOUT);
        assertEq(randomness.owner(), owner);
        assertEq(randomness.requester(), requester);
        assertEq(address(randomness.s_vrfCoordinator()), address(coordinator));
    }

    function test_RevertWhen_constructor_badConfig() public {
        IAllianceRandomness.Config memory c = _config();
        c.requestTimeout = 59;
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessBadConfig.selector, "requestTimeout"));
        new AllianceRandomness(address(coordinator), c);
        c = _config();
        c.callbackGasLimit = 49_999;
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessBadConfig.selector, "callbackGasLimit"));
        new AllianceRandomness(address(coordinator), c);
    }

    function test_RevertWhen_setRequester_twice() public {
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessRequesterAlreadySet.selector, requester));
        randomness.setRequester(stranger);
    }

    function test_RevertWhen_setRequester_notOwnerOrZero() public {
        vm.prank(owner);
        AllianceRandomness fresh = new AllianceRandomness(address(coordinator), _config());
        vm.prank(stranger);
        vm.expectRevert("Only callable by owner");
        fresh.setRequester(stranger);
        vm.prank(owner);
        vm.expectRevert(IAllianceRandomness.RandomnessZeroRequester.selector);
        fresh.setRequester(address(0));
        vm.expectEmit(address(fresh));
        emit IAllianceRandomness.RandomnessRequesterSet(requester);
        vm.prank(owner);
        fresh.setRequester(requester);
    }

    function test_setConfig_appliesToLaterRequests() public {
        IAllianceRandomness.Config memory c = _config();
        c.requestTimeout = 2 hours;
        c.callbackGasLimit = 200_000;
        vm.expectEmit(address(randomness));
        emit IAllianceRandomness.RandomnessConfigSet(c);
        vm.prank(owner);
        randomness.setConfig(c);
        assertEq(randomness.config().requestTimeout, 2 hours);
        _request(KEY);
        vm.warp(block.timestamp + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessNotTimedOut.selector, KEY, block.timestamp + 1 hours));
        randomness.reRequest(KEY);
    }

    function test_RevertWhen_setConfig_notOwner() public {
        IAllianceRandomness.Config memory c = _config();
        vm.prank(requester);
        vm.expectRevert("Only callable by owner");
        randomness.setConfig(c);
    }

    // ---- Request and fulfil ----

    function test_requestWord_recordsTheRequest() public {
        vm.expectEmit(address(randomness));
        emit IAllianceRandomness.RandomnessRequested(KEY, 1, requester, 1);
        uint256 id = _request(KEY);
        assertEq(id, 1);
        (uint256 rid, uint64 at, uint32 attempts, bool ready) = randomness.requestOf(KEY);
        assertEq(rid, id);
        assertEq(at, block.timestamp);
        assertEq(attempts, 1);
        assertFalse(ready);
        assertEq(randomness.keyOf(id), KEY);
        (uint256 word, bool r) = randomness.wordOf(KEY);
        assertEq(word, 0);
        assertFalse(r);
    }

    function test_fulfil_setsTheWord() public {
        uint256 id = _request(KEY);
        uint256 expected = uint256(keccak256(abi.encode(id, uint256(0)))); // the mock's word
        vm.expectEmit(address(randomness));
        emit IAllianceRandomness.RandomnessFulfilled(KEY, id, expected);
        coordinator.fulfillRandomWords(id, address(randomness));
        (uint256 word, bool ready) = randomness.wordOf(KEY);
        assertEq(word, expected);
        assertTrue(ready);
        (,,, bool r) = randomness.requestOf(KEY);
        assertTrue(r);
    }

    /// @dev The smallest callback gas limit the config allows is enough for the callback (the
    /// coordinator forwards exactly callbackGasLimit; running out would lose the request).
    function test_fulfil_fitsTheMinimumCallbackGas() public {
        IAllianceRandomness.Config memory c = _config();
        c.callbackGasLimit = 50_000;
        vm.prank(owner);
        randomness.setConfig(c);
        uint256 id = _request(KEY);
        vm.cool(address(randomness)); // as in the fulfilment's own transaction
        vm.recordLogs();
        coordinator.fulfillRandomWordsWithOverride(id, address(randomness), _words(type(uint256).max));
        assertTrue(_callbackSucceeded(id), "the callback reverted");
        (uint256 word, bool ready) = randomness.wordOf(KEY);
        assertTrue(ready, "callback ran out of gas");
        assertEq(word, type(uint256).max);
    }

    function test_fulfil_zeroWordIsAWord() public {
        uint256 id = _request(KEY);
        coordinator.fulfillRandomWordsWithOverride(id, address(randomness), _words(0));
        (uint256 word, bool ready) = randomness.wordOf(KEY);
        assertEq(word, 0);
        assertTrue(ready);
        vm.warp(block.timestamp + TIMEOUT);
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessAlreadyFulfilled.selector, KEY));
        randomness.reRequest(KEY);
    }

    function test_RevertWhen_requestWord_notRequester() public {
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessNotRequester.selector, owner));
        randomness.requestWord(KEY);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessNotRequester.selector, stranger));
        randomness.requestWord(KEY);
    }

    function test_RevertWhen_requestWord_twice() public {
        uint256 id = _request(KEY);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessAlreadyRequested.selector, KEY));
        randomness.requestWord(KEY);
        coordinator.fulfillRandomWords(id, address(randomness));
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessAlreadyRequested.selector, KEY));
        randomness.requestWord(KEY);
    }

    function test_RevertWhen_requestWord_zeroKey() public {
        vm.prank(requester);
        vm.expectRevert(IAllianceRandomness.RandomnessZeroKey.selector);
        randomness.requestWord(bytes32(0));
    }

    function test_RevertWhen_requestWord_consumerNotOnTheSubscription() public {
        coordinator.removeConsumer(subId, address(randomness));
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(bytes4(keccak256("InvalidConsumer(uint256,address)")), subId, address(randomness)));
        randomness.requestWord(KEY);
    }

    function test_RevertWhen_fulfil_notCoordinator() public {
        uint256 id = _request(KEY);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(VRFConsumerBaseV2Plus.OnlyCoordinatorCanFulfill.selector, stranger, address(coordinator))
        );
        randomness.rawFulfillRandomWords(id, _words(7));
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(VRFConsumerBaseV2Plus.OnlyCoordinatorCanFulfill.selector, requester, address(coordinator))
        );
        randomness.rawFulfillRandomWords(id, _words(7));
    }

    function test_fulfil_unknownRequestIgnored() public {
        _request(KEY);
        vm.expectEmit(address(randomness));
        emit IAllianceRandomness.RandomnessFulfilmentIgnored(999, bytes32(0));
        vm.prank(address(coordinator));
        randomness.rawFulfillRandomWords(999, _words(7));
        (, bool ready) = randomness.wordOf(KEY);
        assertFalse(ready);
        (, bool zeroReady) = randomness.wordOf(bytes32(0));
        assertFalse(zeroReady);
    }

    function test_fulfil_emptyWordsIgnored() public {
        uint256 id = _request(KEY);
        vm.prank(address(coordinator));
        randomness.rawFulfillRandomWords(id, new uint256[](0));
        (, bool ready) = randomness.wordOf(KEY);
        assertFalse(ready);
    }

    function test_fulfil_wordNeverChanges() public {
        uint256 id = _request(KEY);
        coordinator.fulfillRandomWordsWithOverride(id, address(randomness), _words(11));
        vm.expectEmit(address(randomness));
        emit IAllianceRandomness.RandomnessFulfilmentIgnored(id, KEY);
        vm.prank(address(coordinator));
        randomness.rawFulfillRandomWords(id, _words(22));
        (uint256 word, bool ready) = randomness.wordOf(KEY);
        assertEq(word, 11);
        assertTrue(ready);
    }

    // ---- Timeouts and renewals ----

    function test_reRequest_byAnyoneAfterTheTimeout() public {
        uint256 first = _request(KEY);
        vm.warp(block.timestamp + TIMEOUT - 1);
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessNotTimedOut.selector, KEY, block.timestamp + 1));
        vm.prank(stranger);
        randomness.reRequest(KEY);

        vm.warp(block.timestamp + 1);
        vm.expectEmit(address(randomness));
        emit IAllianceRandomness.RandomnessRequested(KEY, first + 1, stranger, 2);
        vm.prank(stranger);
        uint256 second = randomness.reRequest(KEY);
        assertEq(second, first + 1);
        (uint256 rid, uint64 at, uint32 attempts,) = randomness.requestOf(KEY);
        assertEq(rid, second);
        assertEq(at, block.timestamp);
        assertEq(attempts, 2);
        assertEq(randomness.keyOf(first), KEY);
        assertEq(randomness.keyOf(second), KEY);

        // The timeout restarts from the renewal.
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessNotTimedOut.selector, KEY, block.timestamp + TIMEOUT));
        randomness.reRequest(KEY);
    }

    function test_reRequest_lateStaleFulfilmentIgnored() public {
        uint256 first = _request(KEY);
        vm.warp(block.timestamp + TIMEOUT);
        uint256 second = randomness.reRequest(KEY);
        coordinator.fulfillRandomWordsWithOverride(second, address(randomness), _words(222));
        // The old request is fulfilled late: ignored, and the coordinator's call does not revert.
        vm.expectEmit(address(randomness));
        emit IAllianceRandomness.RandomnessFulfilmentIgnored(first, KEY);
        vm.recordLogs();
        coordinator.fulfillRandomWordsWithOverride(first, address(randomness), _words(111));
        assertTrue(_callbackSucceeded(first), "the callback reverted");
        (uint256 word,) = randomness.wordOf(KEY);
        assertEq(word, 222);
    }

    /// @dev Renewing cannot veto a word on its way: if the old request is fulfilled first (e.g. a
    /// fulfilment already in the mempool when someone renews), its word counts.
    function test_reRequest_oldRequestFulfilledFirstStillCounts() public {
        uint256 first = _request(KEY);
        vm.warp(block.timestamp + TIMEOUT);
        vm.prank(stranger);
        uint256 second = randomness.reRequest(KEY);
        coordinator.fulfillRandomWordsWithOverride(first, address(randomness), _words(111));
        coordinator.fulfillRandomWordsWithOverride(second, address(randomness), _words(222));
        (uint256 word, bool ready) = randomness.wordOf(KEY);
        assertEq(word, 111);
        assertTrue(ready);
    }

    function test_RevertWhen_reRequest_neverRequested() public {
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessNotRequested.selector, KEY));
        randomness.reRequest(KEY);
    }

    function test_RevertWhen_reRequest_fulfilled() public {
        uint256 id = _request(KEY);
        coordinator.fulfillRandomWords(id, address(randomness));
        vm.warp(block.timestamp + TIMEOUT);
        vm.expectRevert(abi.encodeWithSelector(IAllianceRandomness.RandomnessAlreadyFulfilled.selector, KEY));
        randomness.reRequest(KEY);
    }

    function test_keys_areIndependent() public {
        bytes32 other = keccak256(abi.encode(uint256(1), uint256(1)));
        uint256 a = _request(KEY);
        uint256 b = _request(other);
        coordinator.fulfillRandomWordsWithOverride(b, address(randomness), _words(5));
        (, bool readyA) = randomness.wordOf(KEY);
        (uint256 wordB, bool readyB) = randomness.wordOf(other);
        assertFalse(readyA);
        assertTrue(readyB);
        assertEq(wordB, 5);
        coordinator.fulfillRandomWordsWithOverride(a, address(randomness), _words(4));
        (uint256 wordA,) = randomness.wordOf(KEY);
        assertEq(wordA, 4);
    }

    /// @dev A migrated coordinator (owner's call) is the only one that may fulfil afterwards.
    function test_setCoordinator_movesWhoMayFulfil() public {
        uint256 id = _request(KEY);
        address next = makeAddr("nextCoordinator");
        vm.prank(owner);
        randomness.setCoordinator(next);
        vm.expectRevert(abi.encodeWithSelector(VRFConsumerBaseV2Plus.OnlyCoordinatorCanFulfill.selector, address(coordinator), next));
        vm.prank(address(coordinator));
        randomness.rawFulfillRandomWords(id, _words(1));
        vm.prank(stranger);
        vm.expectRevert();
        randomness.setCoordinator(stranger);
    }

    /// @dev The `success` flag of the coordinator's RandomWordsFulfilled for `id` in the recorded logs.
    function _callbackSucceeded(uint256 id) private returns (bool) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (
                logs[i].emitter == address(coordinator) && logs[i].topics[0] == VRFCoordinatorV2_5Mock.RandomWordsFulfilled.selector
                    && uint256(logs[i].topics[1]) == id
            ) {
                (,,, bool success,) = abi.decode(logs[i].data, (uint256, uint96, bool, bool, bool));
                return success;
            }
        }
        revert("no RandomWordsFulfilled");
    }
}
