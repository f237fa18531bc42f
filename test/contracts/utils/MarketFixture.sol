// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ModelMarket} from "../../../contracts/market/ModelMarket.sol";
import {IAllianceTypes} from "../../../contracts/interfaces/IAllianceTypes.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {AllianceTaskFixture} from "./AllianceTaskFixture.sol";

/// @notice The Arena and the Alliance of {AllianceTaskFixture} plus the model market, with a
/// finalized Arena task (its winner's validator delegated to), a finished Alliance task, hosts
/// and signed vouchers.
abstract contract MarketFixture is AllianceTaskFixture {
    ModelMarket internal market;
    uint256 internal constant HOST_STAKE = 10e18;
    uint256 internal constant PRICE = 0.01e18;
    address internal host = makeAddr("host");
    address internal delegator = makeAddr("delegator");
    address internal stranger = makeAddr("stranger");
    uint256 internal callerKey = 0xCA11E4;
    address internal caller;
    bool private _poolMade;

    function setUp() public virtual override {
        super.setUp();
        market = new ModelMarket(IERC20(address(flock)), gm, config, pools, arena, alliance);
        config.grantRole(config.GM_HOLDER_ROLE(), address(market));
        caller = vm.addr(callerKey);
        vm.label(address(market), "ModelMarket");
        vm.label(caller, "caller");
    }

    /// @dev A finalized Arena task of two nodes (node 0 ranked first with 0.9, node 1 0.7) and two
    /// validators, validator 0 with a delegation pool half its stake.
    function _finalizedArenaTask() internal returns (uint256 taskId) {
        taskId = _createDefaultTask();
        for (uint256 i; i < 2; ++i) {
            _registerNode(taskId, _node(i), 10e18);
            _commitModel(taskId, _node(i), _modelCID(i));
        }
        if (!_poolMade) {
            _createPool(_validator(0), 0.1e18);
            _delegate(delegator, _validator(0), 5e18);
            _poolMade = true;
        }
        _registerValidator(taskId, _validator(0), 10e18);
        _registerValidator(taskId, _validator(1), 10e18);
        _toReveal(taskId);
        for (uint256 i; i < 2; ++i) {
            _revealModel(taskId, _node(i), _modelCID(i));
        }
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        int256[][] memory scores = _matrix(2, 2, 0.9e18);
        scores[0][1] = 0.7e18;
        scores[1][1] = 0.7e18;
        _scoreAll(taskId, scores);
        _finalizeAll(taskId);
    }

    /// @dev A finished two-round Alliance task of four members, both rounds accepted.
    function _finishedAllianceTask() internal returns (uint256 taskId) {
        taskId = _taskWithMembers(2, POOL, 4);
        _honestRound(taskId, 11);
        _honestRound(taskId, 12);
    }

    function _arenaModel() internal returns (uint256 modelId) {
        uint256 taskId = _finalizedArenaTask();
        modelId = market.registerArenaModel(taskId, 0);
    }

    function _offer(uint256 modelId, address who, uint256 price) internal {
        _gmFor(who, HOST_STAKE);
        vm.startPrank(who);
        gm.approve(address(market), HOST_STAKE);
        market.offer(modelId, price, HOST_STAKE, "http://127.0.0.1:8600");
        vm.stopPrank();
    }

    function _open(uint256 modelId, address who, uint256 deposit) internal returns (uint256 channelId) {
        _fund(who, deposit);
        vm.startPrank(who);
        flock.approve(address(market), deposit);
        channelId = market.open(modelId, host, deposit);
        vm.stopPrank();
    }

    function _sign(uint256 key, uint256 channelId, uint256 amount, uint64 calls) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, market.voucherDigest(channelId, amount, calls));
        return abi.encodePacked(r, s, v);
    }

    function _redeem(uint256 channelId, uint256 amount, uint64 calls) internal {
        bytes memory sig = _sign(callerKey, channelId, amount, calls);
        vm.prank(host);
        market.redeem(channelId, amount, calls, sig);
    }
}
