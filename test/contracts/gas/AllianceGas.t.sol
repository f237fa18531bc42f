// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AllianceFixture, AllianceRolesHarness} from "../utils/AllianceFixture.sol";

/// @notice Named gas snapshots (group "alliance", written to snapshots/alliance.json): the
/// randomness requests and the fulfilment callback on Chainlink's VRFCoordinatorV2_5Mock, and the
/// role draw at and below its bound. Request figures include the mock's own bookkeeping (the real
/// coordinator's differs); the callback figure is the consumer's alone, which is what
/// callbackGasLimit must cover. Storage is marked cold (`vm.cool`) before each measured call, as
/// it is in the transaction that makes it.
contract AllianceGasTest is AllianceFixture {
    bytes32 private constant KEY = keccak256(abi.encode(uint256(1), uint256(0)));

    function test_gas_randomness_requestWord() public {
        _cool();
        vm.prank(requester);
        randomness.requestWord(KEY);
        vm.snapshotGasLastCall("alliance", "randomness_requestWord");
    }

    function test_gas_randomness_reRequest() public {
        _request(KEY);
        vm.warp(block.timestamp + TIMEOUT);
        _cool();
        vm.prank(stranger);
        randomness.reRequest(KEY);
        vm.snapshotGasLastCall("alliance", "randomness_reRequest");
    }

    /// @dev The consumer's callback alone (called as the coordinator): what callbackGasLimit covers.
    function test_gas_randomness_fulfilCallback() public {
        uint256 id = _request(KEY);
        _cool();
        vm.prank(address(coordinator));
        randomness.rawFulfillRandomWords(id, _words(uint256(keccak256("word"))));
        vm.snapshotGasLastCall("alliance", "randomness_fulfilCallback");
    }

    /// @dev A stale fulfilment (the key's word already set): ignored with an event.
    function test_gas_randomness_fulfilCallbackIgnored() public {
        uint256 first = _request(KEY);
        vm.warp(block.timestamp + TIMEOUT);
        uint256 second = randomness.reRequest(KEY);
        coordinator.fulfillRandomWords(second, address(randomness));
        _cool();
        vm.prank(address(coordinator));
        randomness.rawFulfillRandomWords(first, _words(1));
        vm.snapshotGasLastCall("alliance", "randomness_fulfilCallback_stale");
    }

    /// @dev The whole mock fulfilment (proof-free), callback included: what the devnet pays.
    function test_gas_randomness_mockFulfil() public {
        uint256 id = _request(KEY);
        _cool();
        coordinator.fulfillRandomWords(id, address(randomness));
        vm.snapshotGasLastCall("alliance", "randomness_mockCoordinatorFulfil");
    }

    /// @dev The role draw at the bound (256 participants) with k = 10 and k = 64 (MAX_PROPOSERS,
    /// the worst case), and a small round; stakes passed as calldata, as an Alliance view would.
    function test_gas_roles_draw() public {
        AllianceRolesHarness harness = new AllianceRolesHarness();
        uint256[] memory stakes = new uint256[](256);
        for (uint256 i; i < 256; ++i) stakes[i] = (uint256(keccak256(abi.encode(i))) % 1e24) + 1;
        harness.draw(42, stakes, 10);
        vm.snapshotGasLastCall("alliance", "roles_draw_256participants_k10");
        harness.draw(42, stakes, 64);
        vm.snapshotGasLastCall("alliance", "roles_draw_256participants_k64");
        uint256[] memory small = new uint256[](20);
        for (uint256 i; i < 20; ++i) small[i] = stakes[i];
        harness.draw(42, small, 5);
        vm.snapshotGasLastCall("alliance", "roles_draw_20participants_k5");
        assertLt(vm.lastCallGas().gasTotalUsed, 100_000);
    }

    function _cool() private {
        vm.cool(address(randomness));
        vm.cool(address(coordinator));
    }
}
