// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {FlockToken} from "../../../contracts/token/FlockToken.sol";
import {Fixture} from "../utils/Fixture.sol";

contract FlockTokenTest is Fixture {
    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 private constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    // ------------------------------------------------------------------ constructor / metadata

    function test_constructor_mintsWholeSupplyToGenesis() public view {
        assertEq(flock.MAX_SUPPLY(), 1_000_000_000e18);
        assertEq(flock.totalSupply(), flock.MAX_SUPPLY());
        assertEq(flock.balanceOf(address(this)), flock.MAX_SUPPLY());
        assertEq(flock.name(), "FLock");
        assertEq(flock.symbol(), "FLOCK");
        assertEq(flock.decimals(), 18);
    }

    function test_constructor_emitsTransferFromZero() public {
        vm.expectEmit(true, true, false, true);
        emit IERC20.Transfer(address(0), alice, SUPPLY);
        new FlockToken(alice);
    }

    function test_RevertWhen_constructorGenesisIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        new FlockToken(address(0));
    }

    // ------------------------------------------------------------------ ERC20

    function test_transfer_movesBalanceAndKeepsSupply() public {
        vm.expectEmit(true, true, false, true, address(flock));
        emit IERC20.Transfer(address(this), alice, 1e18);
        assertTrue(flock.transfer(alice, 1e18));
        assertEq(flock.balanceOf(alice), 1e18);
        assertEq(flock.totalSupply(), SUPPLY);
    }

    function test_RevertWhen_transferExceedsBalance() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 0, 1));
        flock.transfer(bob, 1);
    }

    function test_transferFrom_spendsAllowance() public {
        flock.approve(alice, 10e18);
        vm.prank(alice);
        flock.transferFrom(address(this), bob, 4e18);
        assertEq(flock.balanceOf(bob), 4e18);
        assertEq(flock.allowance(address(this), alice), 6e18);
    }

    // ------------------------------------------------------------------ clock

    function test_clock_isBlockTimestamp() public {
        vm.warp(1_900_000_000);
        assertEq(flock.clock(), 1_900_000_000);
    }

    function test_CLOCK_MODE_isTimestamp() public view {
        assertEq(flock.CLOCK_MODE(), "mode=timestamp");
    }

    // ------------------------------------------------------------------ votes

    function test_delegate_selfDelegationGivesVotesEqualToBalance() public {
        _fund(alice, 250e18);
        assertEq(flock.getVotes(alice), 0, "no votes before delegating");

        vm.expectEmit(true, true, true, true, address(flock));
        emit IVotes.DelegateChanged(alice, address(0), alice);
        vm.expectEmit(true, false, false, true, address(flock));
        emit IVotes.DelegateVotesChanged(alice, 0, 250e18);
        vm.prank(alice);
        flock.delegate(alice);

        assertEq(flock.delegates(alice), alice);
        assertEq(flock.getVotes(alice), 250e18);
    }

    function test_delegate_votesFollowTransfers() public {
        _fund(alice, 100e18);
        vm.prank(alice);
        flock.delegate(bob);
        assertEq(flock.getVotes(bob), 100e18);

        vm.prank(alice);
        flock.transfer(carol, 30e18);
        assertEq(flock.getVotes(bob), 70e18);
        assertEq(flock.getVotes(carol), 0, "carol has not delegated");
    }

    function test_getPastVotes_readsCheckpointsBySecond() public {
        vm.warp(1000);
        _fund(alice, 100e18);
        vm.prank(alice);
        flock.delegate(alice);
        vm.warp(2000);
        vm.prank(alice);
        flock.transfer(bob, 40e18);
        vm.warp(3000);

        assertEq(flock.getPastVotes(alice, 999), 0);
        assertEq(flock.getPastVotes(alice, 1000), 100e18);
        assertEq(flock.getPastVotes(alice, 1999), 100e18);
        assertEq(flock.getPastVotes(alice, 2000), 60e18);
        assertEq(flock.getPastTotalSupply(2999), SUPPLY);
    }

    function test_checkpoints_areKeyedByTimestamp() public {
        vm.warp(1_800_000_000);
        _fund(alice, 3e18);
        vm.prank(alice);
        flock.delegate(alice);
        assertEq(flock.numCheckpoints(alice), 1);
        assertEq(flock.checkpoints(alice, 0)._key, 1_800_000_000);
        assertEq(flock.checkpoints(alice, 0)._value, 3e18);
    }

    function test_RevertWhen_getPastVotesAtCurrentTimepoint() public {
        vm.warp(5000);
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, 5000, uint48(5000)));
        flock.getPastVotes(alice, 5000);
    }

    function test_delegateBySig_delegatesForSigner() public {
        (address signer, uint256 key) = makeAddrAndKey("signer");
        _fund(signer, 5e18);
        uint256 expiry = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(abi.encode(DELEGATION_TYPEHASH, bob, 0, expiry));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, _digest(structHash));

        flock.delegateBySig(bob, 0, expiry, v, r, s);
        assertEq(flock.delegates(signer), bob);
        assertEq(flock.getVotes(bob), 5e18);
        assertEq(flock.nonces(signer), 1);
    }

    // ------------------------------------------------------------------ permit

    function test_permit_setsAllowanceAndIncrementsNonce() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        uint256 deadline = block.timestamp + 1 days;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(key, owner, bob, 7e18, 0, deadline);

        vm.expectEmit(true, true, false, true, address(flock));
        emit IERC20.Approval(owner, bob, 7e18);
        flock.permit(owner, bob, 7e18, deadline, v, r, s);

        assertEq(flock.allowance(owner, bob), 7e18);
        assertEq(flock.nonces(owner), 1);
    }

    function test_RevertWhen_permitExpired() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        vm.warp(10_000);
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(key, owner, bob, 1, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        flock.permit(owner, bob, 1, deadline, v, r, s);
    }

    function test_RevertWhen_permitSignedByAnotherKey() public {
        (address owner,) = makeAddrAndKey("owner");
        (address mallory, uint256 malloryKey) = makeAddrAndKey("mallory");
        uint256 deadline = block.timestamp + 1;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(malloryKey, owner, bob, 1, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, mallory, owner));
        flock.permit(owner, bob, 1, deadline, v, r, s);
    }

    function test_RevertWhen_permitReplayed() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        uint256 deadline = block.timestamp + 1;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(key, owner, bob, 1, 0, deadline);
        flock.permit(owner, bob, 1, deadline, v, r, s);
        // the nonce moved on, so the signature recovers to some other address
        vm.expectPartialRevert(ERC20Permit.ERC2612InvalidSigner.selector);
        flock.permit(owner, bob, 1, deadline, v, r, s);
    }

    // ------------------------------------------------------------------ fuzz

    function testFuzz_transfer_conservesSupplyAndVotes(uint256 toAlice, uint256 toBob) public {
        toAlice = bound(toAlice, 0, SUPPLY);
        toBob = bound(toBob, 0, toAlice);
        flock.delegate(address(this));
        _fund(alice, toAlice);
        vm.prank(alice);
        flock.delegate(alice);
        vm.prank(alice);
        flock.transfer(bob, toBob);

        assertEq(flock.totalSupply(), SUPPLY);
        assertEq(flock.balanceOf(address(this)) + flock.balanceOf(alice) + flock.balanceOf(bob), SUPPLY);
        assertEq(flock.getVotes(address(this)) + flock.getVotes(alice), SUPPLY - toBob, "bob has not delegated");
    }

    // ------------------------------------------------------------------ helpers

    function _signPermit(uint256 key, address owner, address spender, uint256 value, uint256 nonce, uint256 deadline)
        private
        view
        returns (uint8, bytes32, bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        return vm.sign(key, _digest(structHash));
    }

    function _digest(bytes32 structHash) private view returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", flock.DOMAIN_SEPARATOR(), structHash));
    }
}
