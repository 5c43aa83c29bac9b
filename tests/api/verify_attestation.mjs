// Checks givewatch's attestations with ethers (code givewatch does not share): for each case of the
// JSON file named by argv[2], ethers.verifyMessage(message, signature) must return the signer exactly
// when `valid` is true. Prints "N of N cases as expected" and exits 0, or names each case that is not.
import { readFileSync } from "node:fs";
import { verifyMessage, getAddress } from "ethers";

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
let ok = 0;
for (const [i, c] of cases.entries()) {
  let recovered = null;
  try {
    recovered = verifyMessage(c.message, c.signature);
  } catch (e) {
    recovered = `error: ${e.shortMessage ?? e.message}`;
  }
  const matches = recovered === getAddress(c.signer);
  if (matches === c.valid) {
    ok++;
  } else {
    console.log(`case ${i}: expected ${c.valid ? "the signer" : "another address"}, recovered ${recovered}`);
  }
}
console.log(`${ok} of ${cases.length} cases as expected`);
process.exit(ok === cases.length ? 0 : 1);
