import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = join(root, 'scripts', 'check-natspec.mjs');

/** Runs the check on `folders` (default: contracts/) and returns its exit code and output. */
function check(...folders: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [script, ...folders], { cwd: root, encoding: 'utf8' }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('Solidity NatSpec check (scripts/check-natspec.mjs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flock-natspec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes on contracts/: every interface function documented, every public function in an interface', async () => {
    const r = await check();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^check-natspec: ok: \d+ interfaces/);
  }, 120_000);

  it('fails, naming each gap, on an undocumented interface and a function missing from it', async () => {
    writeFileSync(
      join(dir, 'IVault.sol'),
      `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A vault.
interface IVault {
    /// @notice Thrown when the vault is empty.
    error VaultEmpty(uint256 balance);

    event Deposited(address indexed account, uint256 amount);

    /// @notice Deposits \`amount\`.
    /// @param amount Wei to deposit.
    /// @return shares Shares minted.
    function deposit(uint256 amount) external returns (uint256 shares);

    /// @notice Withdraws.
    function withdraw(uint256 shares, address to) external returns (uint256 amount, bool done);

    function limit() external view returns (uint256);
}
`,
    );
    writeFileSync(
      join(dir, 'Vault.sol'),
      `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";

contract Vault is IVault {
    uint256 public constant SCALE = 1e18;

    /// @inheritdoc IVault
    function deposit(uint256 amount) external returns (uint256 shares) {
        shares = amount;
    }

    /// @inheritdoc IVault
    function withdraw(uint256 shares, address) external returns (uint256, bool) {
        return (shares, true);
    }

    /// @inheritdoc IVault
    function limit() external pure returns (uint256) {
        return 1;
    }

    /// @notice Not in IVault.
    function sweep(address to) external {}
}
`,
    );
    const r = await check(dir);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    const at = (s: string) => lines.filter((l) => l.includes(s));
    expect(at('error IVault.VaultEmpty(uint256)')[0]).toMatch(/missing @param balance$/);
    expect(at('event IVault.Deposited(address,uint256)')[0]).toMatch(/missing @notice or @dev, @param account, @param amount$/);
    expect(at('function IVault.withdraw(uint256,address)')[0]).toMatch(/missing @param shares, @param to, @return amount, @return done$/);
    expect(at('function IVault.limit()')[0]).toMatch(/missing @notice or @dev, @return \(value 1\)$/);
    expect(at('Vault.SCALE()')[0]).toMatch(/is declared in no interface Vault implements$/);
    expect(at('Vault.sweep(address)')[0]).toMatch(/is declared in no interface Vault implements$/);
    expect(at('deposit')).toEqual([]); // fully documented, and implemented from the interface
    expect(lines.at(-1)).toMatch(/^check-natspec: 6 problem\(s\) in 1 interfaces/);
  }, 120_000);

  it('skips vendored code (a vendor/ folder), which is compiled only as an import of ours', async () => {
    const own = join(dir, 'with-vendor');
    mkdirSync(join(own, 'vendor'), { recursive: true });
    writeFileSync(
      join(own, 'vendor', 'Base.sol'),
      `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IUndocumented {
    function poke(uint256 x) external;
}

abstract contract Base is IUndocumented {
    function poke(uint256 x) external {}
    function extra() external {}
}
`,
    );
    writeFileSync(
      join(own, 'Ours.sol'),
      `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Base} from "./vendor/Base.sol";

/// @notice Ours.
interface IOurs {
    /// @notice Reads.
    /// @return The value.
    function read() external view returns (uint256);
}

contract Ours is IOurs, Base {
    /// @inheritdoc IOurs
    function read() external pure returns (uint256) {
        return 1;
    }
}
`,
    );
    const r = await check(own);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^check-natspec: ok: 1 interfaces \(1 functions, 0 events, 0 errors\), 1 contracts \(1 public functions\)/);
  }, 120_000);
});
