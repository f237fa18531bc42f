// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {VRFCoordinatorV2_5Mock} from "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol";
import {AllianceRandomness} from "../../../contracts/alliance/AllianceRandomness.sol";
import {AllianceRoles} from "../../../contracts/alliance/AllianceRoles.sol";
import {IAllianceRandomness} from "../../../contracts/interfaces/IAllianceRandomness.sol";

/// @notice Exposes AllianceRoles' internal functions as external calls (for reverts and gas).
contract AllianceRolesHarness {
    function draw(uint256 word, uint256[] calldata stakes, uint256 k)
        external
        pure
        returns (uint256[] memory indexes, uint256 mask)
    {
        return AllianceRoles.draw(word, stakes, k);
    }
}

/// @notice Chainlink's own VRF v2.5 coordinator mock, a funded subscription, and an
/// AllianceRandomness consumer on it whose requester is `requester` (the future Alliance).
abstract contract AllianceFixture is Test {
    bytes32 internal constant KEY_HASH = keccak256("flock.devnet.keyHash");
    uint64 internal constant TIMEOUT = 1 hours;
    uint32 internal constant CALLBACK_GAS = 100_000;

    VRFCoordinatorV2_5Mock internal coordinator;
    AllianceRandomness internal randomness;
    uint256 internal subId;
    address internal owner = makeAddr("owner");
    address internal requester = makeAddr("requester");
    address internal stranger = makeAddr("stranger");

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        coordinator = new VRFCoordinatorV2_5Mock(0.1 ether, 1 gwei, 4e15);
        subId = coordinator.createSubscription();
        coordinator.fundSubscription(subId, 1_000_000 ether);
        vm.prank(owner);
        randomness = new AllianceRandomness(address(coordinator), _config());
        coordinator.addConsumer(subId, address(randomness));
        vm.prank(owner);
        randomness.setRequester(requester);
    }

    function _config() internal view returns (IAllianceRandomness.Config memory) {
        return IAllianceRandomness.Config({
            keyHash: KEY_HASH,
            subscriptionId: subId,
            callbackGasLimit: CALLBACK_GAS,
            requestConfirmations: 3,
            nativePayment: false,
            requestTimeout: TIMEOUT
        });
    }

    function _request(bytes32 key) internal returns (uint256 id) {
        vm.prank(requester);
        id = randomness.requestWord(key);
    }

    function _words(uint256 word) internal pure returns (uint256[] memory w) {
        w = new uint256[](1);
        w[0] = word;
    }
}
