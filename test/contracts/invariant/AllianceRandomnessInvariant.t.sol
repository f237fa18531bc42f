// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AllianceFixture} from "../utils/AllianceFixture.sol";
import {AllianceRandomnessHandler} from "./handlers/AllianceRandomnessHandler.sol";

/// @notice Invariants of AllianceRandomness under requests, renewals, fulfilments of old, new and
/// unknown requests in any order, and the passage of time: a word once set never changes, nor
/// becomes unset; every request id made for a key still maps to it.
contract AllianceRandomnessInvariantTest is AllianceFixture {
    AllianceRandomnessHandler private handler;

    function setUp() public override {
        super.setUp();
        handler = new AllianceRandomnessHandler(randomness, coordinator, requester);
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = AllianceRandomnessHandler.request.selector;
        selectors[1] = AllianceRandomnessHandler.reRequest.selector;
        selectors[2] = AllianceRandomnessHandler.fulfil.selector;
        selectors[3] = AllianceRandomnessHandler.fulfilUnknown.selector;
        selectors[4] = AllianceRandomnessHandler.warp.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    function invariant_wordNeverChanges() public view {
        for (uint256 i; i < handler.KEYS(); ++i) {
            bytes32 key = handler.keyAt(i);
            (uint256 word, bool ready) = randomness.wordOf(key);
            if (handler.ghostReady(key)) {
                assertTrue(ready, "a word became unset");
                assertEq(word, handler.ghostWord(key), "a word changed");
            }
        }
    }

    function invariant_latestRequestMapsToItsKey() public view {
        for (uint256 i; i < handler.KEYS(); ++i) {
            bytes32 key = handler.keyAt(i);
            (uint256 id,, uint32 attempts,) = randomness.requestOf(key);
            if (attempts != 0) assertEq(randomness.keyOf(id), key);
        }
    }
}
