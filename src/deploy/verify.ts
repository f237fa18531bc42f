import type { Provider } from 'ethers';
import { FlockGovernor__factory, FlockTimelock__factory, FlockToken__factory, ProtocolConfig__factory } from '../chain/types/index.js';
import { formatFlock } from '../units/index.js';

/** One fact about a deployment, read from the chain. */
export interface DeploymentCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const WAD = 10n ** 18n;

/**
 * What an operator should verify before trusting a deployment someone shared: every contract has
 * code, the whole supply exists, only the timelock administers the protocol, the Governor alone
 * proposes, and the deployer cannot flag (drop) proposals on its own. `cast` can check each of
 * these; this runs them all for `flock deployment use`.
 */
export async function checkDeployment(provider: Provider, deployer: string, contracts: Record<string, string>): Promise<DeploymentCheck[]> {
  const checks: DeploymentCheck[] = [];
  const missing: string[] = [];
  for (const [name, address] of Object.entries(contracts)) if ((await provider.getCode(address)) === '0x') missing.push(`${name} (${address})`);
  checks.push({ name: 'code', ok: missing.length === 0, detail: missing.length ? `no code at ${missing.join(', ')}` : `all ${Object.keys(contracts).length} contracts have code` });

  const need = ['FlockToken', 'FlockTimelock', 'ProtocolConfig', 'FlockGovernor'] as const;
  const absent = need.filter((n) => !contracts[n]);
  if (absent.length || missing.length) {
    if (absent.length) checks.push({ name: 'contracts', ok: false, detail: `the directory names no ${absent.join(', ')}` });
    return checks;
  }
  const token = FlockToken__factory.connect(contracts.FlockToken!, provider);
  const timelock = FlockTimelock__factory.connect(contracts.FlockTimelock!, provider);
  const config = ProtocolConfig__factory.connect(contracts.ProtocolConfig!, provider);
  const governor = FlockGovernor__factory.connect(contracts.FlockGovernor!, provider);

  const [supply, max] = await Promise.all([token.totalSupply(), token.MAX_SUPPLY()]);
  checks.push({ name: 'supply', ok: supply === max, detail: `${formatFlock(supply)} of ${formatFlock(max)}` });

  const ADMIN = await config.DEFAULT_ADMIN_ROLE();
  const [tlAdmin, depAdmin, depTlAdmin] = await Promise.all([
    config.hasRole(ADMIN, timelock.target),
    config.hasRole(ADMIN, deployer),
    timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), deployer),
  ]);
  checks.push({
    name: 'admin',
    ok: tlAdmin && !depAdmin && !depTlAdmin,
    detail: tlAdmin && !depAdmin && !depTlAdmin ? 'the timelock administers the config; the deployer holds no admin role' : `timelock admin: ${tlAdmin}, deployer config admin: ${depAdmin}, deployer timelock admin: ${depTlAdmin}`,
  });
  const proposer = await timelock.hasRole(await timelock.PROPOSER_ROLE(), governor.target);
  checks.push({ name: 'governor', ok: proposer, detail: proposer ? 'the Governor proposes to the timelock' : 'the Governor is not the timelock proposer' });

  // Anyone above the flag threshold can drop any proposal alone (ProposalBonds).
  const [held, threshold] = await Promise.all([token.balanceOf(deployer), governor.flagThreshold()]);
  const flagAt = (supply * threshold + WAD - 1n) / WAD;
  checks.push({
    name: 'deployer',
    ok: held < flagAt,
    detail: `the deployer holds ${formatFlock(held)}${held < flagAt ? ', under' : ', AT OR ABOVE'} the flag threshold of ${formatFlock(flagAt)}`,
  });
  return checks;
}
