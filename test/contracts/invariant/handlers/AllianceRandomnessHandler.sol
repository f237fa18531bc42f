// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {VRFCoordinatorV2_5Mock} from "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol";
import {AllianceRandomness} from "../../../../contracts/alliance/AllianceRandomness.sol";

/// @notice Drives AllianceRandomness on the coordinator mock: the requester asks for keys, anyone
/// renews, the coordinator fulfils any outstanding request (old or new, in any order, with chosen
/// words) or an unknown one, and time passes. Ghosts: the first word seen for each key.
contract AllianceRandomnessHandler is CommonBase, StdUtils {
    uint256 public constant KEYS = 4;

    AllianceRandomness private immutable randomness;
    VRFCoordinatorV2_5Mock private immutable coordinator;
    address private immutable requester;

    /// @dev Request ids not yet delivered by the mock (it deletes a request once fulfilled).
    uint256[] private pending;
    mapping(bytes32 key => uint256) public ghostWord;
    mapping(bytes32 key => bool) public ghostReady;
    uint256 public fulfilments;
    uint256 public renewals;

    constructor(AllianceRandomness randomness_, VRFCoordinatorV2_5Mock coordinator_, address requester_) {
        randomness = randomness_;
        coordinator = coordinator_;
        requester = requester_;
    }

    function keyAt(uint256 i) public pure returns (bytes32) {
        return keccak256(abi.encode(uint256(7), i % KEYS));
    }

    function request(uint256 keySeed) external {
        bytes32 key = keyAt(keySeed);
        (,, uint32 attempts,) = randomness.requestOf(key);
        if (attempts != 0) return;
        vm.prank(requester);
        pending.push(randomness.requestWord(key));
        _observe();
    }

    function reRequest(uint256 keySeed, address caller) external {
        bytes32 key = keyAt(keySeed);
        (, uint64 at, uint32 attempts, bool ready) = randomness.requestOf(key);
        if (attempts == 0 || ready || block.timestamp < at + randomness.config().requestTimeout) return;
        vm.prank(caller);
        pending.push(randomness.reRequest(key));
        ++renewals;
        _observe();
    }

    function fulfil(uint256 which, uint256 word) external {
        if (pending.length == 0) return;
        uint256 i = which % pending.length;
        uint256 id = pending[i];
        pending[i] = pending[pending.length - 1];
        pending.pop();
        uint256[] memory words = new uint256[](1);
        words[0] = word;
        coordinator.fulfillRandomWordsWithOverride(id, address(randomness), words);
        ++fulfilments;
        _observe();
    }

    function fulfilUnknown(uint256 id, uint256 word) external {
        id = bound(id, 1_000_000, type(uint128).max);
        uint256[] memory words = new uint256[](1);
        words[0] = word;
        vm.prank(address(coordinator));
        randomness.rawFulfillRandomWords(id, words);
        _observe();
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + bound(dt, 1, 3 hours));
    }

    /// @dev Records each key's word the first time it is seen ready.
    function _observe() private {
        for (uint256 i; i < KEYS; ++i) {
            bytes32 key = keyAt(i);
            (uint256 word, bool ready) = randomness.wordOf(key);
            if (ready && !ghostReady[key]) {
                ghostReady[key] = true;
                ghostWord[key] = word;
            }
        }
    }
}
