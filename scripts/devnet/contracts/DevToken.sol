// SPDX-License-Identifier: MIT
// A development ERC-20 for givewatch's local devnet: anyone may mint, and batchTransfer sends many
// transfers (one Transfer log each) in one transaction. Never deploy it anywhere real.
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

contract DevToken is ERC20 {
    uint8 private immutable _decimals;

    error LengthMismatch(uint256 recipients, uint256 amounts);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// Mints `amount` to `to`; open to any caller.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// Transfers `amounts[i]` from the caller to `to[i]` for every i, one Transfer log each.
    function batchTransfer(address[] calldata to, uint256[] calldata amounts) external returns (bool) {
        if (to.length != amounts.length) revert LengthMismatch(to.length, amounts.length);
        address from = _msgSender();
        for (uint256 i = 0; i < to.length; ++i) {
            _transfer(from, to[i], amounts[i]);
        }
        return true;
    }
}
