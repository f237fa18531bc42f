// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {FlockDirectory} from "../../../contracts/config/FlockDirectory.sol";
import {IFlockDirectory} from "../../../contracts/interfaces/IFlockDirectory.sol";

contract FlockDirectoryTest is Test {
    /// The deterministic deployment proxy (github.com/Arachnid/deterministic-deployment-proxy),
    /// present on anvil, Base and most chains: `flock deploy` creates the directory through it.
    address private constant CREATE2_PROXY = 0x4e59b44847b379578588920cA78FbF26c0B4956C;

    address private deployer = makeAddr("deployer");
    address private stranger = makeAddr("stranger");
    FlockDirectory private dir;

    function setUp() public {
        dir = new FlockDirectory(deployer);
    }

    function _entries(uint256 n) private pure returns (string[] memory names, address[] memory addrs) {
        names = new string[](n);
        addrs = new address[](n);
        for (uint256 i; i < n; ++i) {
            names[i] = string.concat("C", vm.toString(i));
            addrs[i] = address(uint160(0x1000 + i));
        }
    }

    function test_publish_storesEntriesAndEmits() public {
        (string[] memory names, address[] memory addrs) = _entries(3);
        vm.expectEmit(true, false, false, true);
        emit IFlockDirectory.DirectoryPublished(deployer, 42, names, addrs);
        vm.prank(deployer);
        dir.publish(names, addrs, 42);
        assertTrue(dir.published());
        assertEq(dir.startBlock(), 42);
        (string[] memory n2, address[] memory a2) = dir.entries();
        assertEq(n2.length, 3);
        for (uint256 i; i < 3; ++i) {
            assertEq(n2[i], names[i]);
            assertEq(a2[i], addrs[i]);
            assertEq(dir.addressOf(names[i]), addrs[i]);
        }
        assertEq(dir.addressOf("Unknown"), address(0));
    }

    function test_entries_emptyBeforePublish() public view {
        (string[] memory names, address[] memory addrs) = dir.entries();
        assertEq(names.length, 0);
        assertEq(addrs.length, 0);
        assertFalse(dir.published());
    }

    function test_RevertWhen_strangerPublishes() public {
        (string[] memory names, address[] memory addrs) = _entries(1);
        vm.expectRevert(abi.encodeWithSelector(IFlockDirectory.DirectoryNotDeployer.selector, stranger));
        vm.prank(stranger);
        dir.publish(names, addrs, 1);
    }

    function test_RevertWhen_publishedTwice() public {
        (string[] memory names, address[] memory addrs) = _entries(1);
        vm.startPrank(deployer);
        dir.publish(names, addrs, 1);
        vm.expectRevert(IFlockDirectory.DirectoryAlreadyPublished.selector);
        dir.publish(names, addrs, 1);
    }

    function test_RevertWhen_lengthsDiffer() public {
        (string[] memory names,) = _entries(2);
        (, address[] memory addrs) = _entries(1);
        vm.expectRevert(abi.encodeWithSelector(IFlockDirectory.DirectoryLengthMismatch.selector, 2, 1));
        vm.prank(deployer);
        dir.publish(names, addrs, 1);
    }

    function test_RevertWhen_tooManyEntries() public {
        (string[] memory names, address[] memory addrs) = _entries(65);
        vm.expectRevert(abi.encodeWithSelector(IFlockDirectory.DirectoryTooManyEntries.selector, 65, 64));
        vm.prank(deployer);
        dir.publish(names, addrs, 1);
    }

    function test_RevertWhen_nameEmptyOrTooLong() public {
        (string[] memory names, address[] memory addrs) = _entries(2);
        names[1] = "";
        vm.expectRevert(abi.encodeWithSelector(IFlockDirectory.DirectoryBadName.selector, 1));
        vm.prank(deployer);
        dir.publish(names, addrs, 1);
        names[1] = string(new bytes(65));
        vm.expectRevert(abi.encodeWithSelector(IFlockDirectory.DirectoryBadName.selector, 1));
        vm.prank(deployer);
        dir.publish(names, addrs, 1);
    }

    function test_RevertWhen_duplicateName() public {
        (string[] memory names, address[] memory addrs) = _entries(2);
        names[1] = names[0];
        vm.expectRevert(abi.encodeWithSelector(IFlockDirectory.DirectoryDuplicateName.selector, "C0"));
        vm.prank(deployer);
        dir.publish(names, addrs, 1);
    }

    function test_RevertWhen_zeroAddress() public {
        (string[] memory names, address[] memory addrs) = _entries(2);
        addrs[1] = address(0);
        vm.expectRevert(abi.encodeWithSelector(IFlockDirectory.DirectoryZeroAddress.selector, "C1"));
        vm.prank(deployer);
        dir.publish(names, addrs, 1);
    }

    /// A squatter creating the directory at the deployer's address first cannot publish into it:
    /// the deployer still can (flock deploy adopts an unpublished directory at its address).
    function test_squattedDirectoryStillBelongsToDeployer() public {
        bytes memory initCode = abi.encodePacked(type(FlockDirectory).creationCode, abi.encode(deployer));
        bytes32 salt = keccak256(abi.encode("flock.directory", uint256(0)));
        address predicted = vm.computeCreate2Address(salt, keccak256(initCode), CREATE2_PROXY);
        vm.etch(CREATE2_PROXY, hex"7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3");
        vm.prank(stranger);
        (bool ok, bytes memory ret) = CREATE2_PROXY.call(abi.encodePacked(salt, initCode));
        assertTrue(ok);
        assertEq(address(bytes20(ret)), predicted);
        FlockDirectory squatted = FlockDirectory(predicted);
        assertEq(squatted.deployer(), deployer);
        (string[] memory names, address[] memory addrs) = _entries(1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IFlockDirectory.DirectoryNotDeployer.selector, stranger));
        squatted.publish(names, addrs, 1);
        vm.prank(deployer);
        squatted.publish(names, addrs, 1);
        assertTrue(squatted.published());
    }

    function testFuzz_publish_anyValidSetReadsBack(uint8 n, uint64 startBlock) public {
        n = uint8(bound(n, 0, 64));
        (string[] memory names, address[] memory addrs) = _entries(n);
        vm.prank(deployer);
        dir.publish(names, addrs, startBlock);
        (string[] memory n2, address[] memory a2) = dir.entries();
        assertEq(n2.length, n);
        assertEq(dir.startBlock(), startBlock);
        for (uint256 i; i < n; ++i) assertEq(dir.addressOf(n2[i]), a2[i]);
    }
}
