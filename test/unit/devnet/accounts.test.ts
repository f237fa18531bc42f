import { describe, expect, it } from 'vitest';
import { ANVIL_MNEMONIC } from '../../../src/config/schema.js';
import { devnetAccounts, findDevnetAccount } from '../../../src/devnet/accounts.js';

describe('devnet accounts', () => {
  const accounts = devnetAccounts(ANVIL_MNEMONIC, 12);
  it('are anvil\'s accounts, named', () => {
    // anvil's documented first two accounts for its default mnemonic
    expect(accounts[0]).toMatchObject({ name: 'deployer', address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' });
    expect(accounts[1]).toMatchObject({ name: 'alice', address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' });
    expect(accounts[1]!.privateKey).toBe('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
    expect(accounts[11]!.name).toBe('dev11');
  });
  it('are found by name, #index or address in any case', () => {
    expect(findDevnetAccount(accounts, 'carol')?.index).toBe(3);
    expect(findDevnetAccount(accounts, '#2')?.name).toBe('bob');
    expect(findDevnetAccount(accounts, '0x70997970c51812dc3a010c7d01b50e0d17dc79c8')?.name).toBe('alice');
    expect(findDevnetAccount(accounts, 'mallory')).toBeUndefined();
  });
});
