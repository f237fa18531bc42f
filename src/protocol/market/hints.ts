import { registerRevertHint } from '../../chain/ethers-errors.js';

/**
 * The next step for each custom error of the model market (contracts/interfaces/IModelMarket.sol),
 * shown under the decoded revert. Registered once, when the protocol layer connects (connection.ts).
 */
const SOURCES = ['none', 'arena', 'alliance'];
const when = (t: unknown) => new Date(Number(t) * 1000).toISOString();

registerRevertHint('MarketUnknownModel', () => '`flock models list` lists the registered models');
registerRevertHint('MarketUnknownChannel', () => '`flock market channels` lists your channels');
registerRevertHint('MarketNotRegistrable', ([source, task]) =>
  SOURCES[Number(source)] === 'arena'
    ? `only a finalized Arena task's winner (a submission ranked first) can be registered; \`flock task show ${task}\``
    : `only a finished Alliance task with an accepted update can be registered; \`flock alliance show ${task}\``,
);
registerRevertHint('MarketAlreadyRegistered', ([id]) => `it is model ${id}: \`flock models show ${id}\``);
registerRevertHint('MarketNoSource', () => 'this deployment has no contract of that kind of task');
registerRevertHint('MarketBadOffer', () => 'a price above 0 and an endpoint URL of 1 to 256 bytes');
registerRevertHint('MarketStakeTooLow', ([, min]) => `stake at least ${(Number(min) / 1e18).toString()} gmFLOCK in all (market.minHostStake)`);
registerRevertHint('MarketNoOffer', ([id]) => `that host does not serve model ${id} now; \`flock models show ${id}\` lists its hosts`);
registerRevertHint('MarketStakeLocked', ([at]) => (Number(at) === 0 ? 'retire the offer first (`flock market retire --model <id>`)' : `the stake unlocks at ${when(at)}`));
registerRevertHint('MarketZeroAmount', () => 'deposit more than 0 FLOCK');
registerRevertHint('MarketNotParty', () => 'only the channel\'s caller (or, to redeem, its host) may do that');
registerRevertHint('MarketChannelClosing', ([id]) => `channel ${id} is closing or closed; \`flock call\` opens a new one`);
registerRevertHint('MarketChannelNotExpired', ([id, at]) => `its host may redeem until ${when(at)}; run \`flock market close ${id}\` again after that`);
registerRevertHint('MarketBadSignature', () => 'the voucher is not signed by the channel\'s caller for this chain and market');
registerRevertHint('MarketNothingToRedeem', () => 'the chain already has this voucher (or a later one) redeemed');
registerRevertHint('MarketNothingToClaim', ([id]) => `nothing owed yet; \`flock models show ${id}\` shows each contributor's share and claims`);
