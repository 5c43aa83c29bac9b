// Checks givewatch's receipt proofs with code givewatch does not share: ethers (keccak-256, RLP) and
// @ethereumjs/mpt (the Merkle-Patricia proof, against the root passed explicitly).
//   node verify_proof.mjs CASES.json   where CASES.json is [{ "answer": <GET /v1/tx/.../proof>,
//                                                          "expected": [{log_index, contract, from, to, amount}] }]
// For each case: keccak256(header_rlp) = block_hash; the header's receiptsRoot = receipts_root; the
// proof of rlp(tx_index) against that root yields `receipt`; each donation's log in the receipt
// (receipt_log_position) is an ERC-20 Transfer of the stated token, from, to and amount, and equals
// the expected one. Then a tampered proof node and a tampered amount must each fail. Prints one
// JSON summary; exits 1 when anything does not hold.
import { readFileSync } from "node:fs";
import { verifyMerkleProof } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { decodeRlp, getAddress, getBytes, hexlify, id, keccak256, toBigInt, zeroPadValue } from "ethers";

const TRANSFER = id("Transfer(address,address,uint256)");
const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const failures = [];
const types = {};
let donations = 0;
let tamperedNodesRejected = 0;
let tamperedAmountsRejected = 0;

const fail = (c, why) => failures.push(`${c.answer.tx_hash ?? "?"}: ${why}`);

/** The receipt's logs: [address, topics, data] each (EIP-2718: a type byte first unless legacy). */
function receiptLogs(receiptHex) {
  const bytes = getBytes(receiptHex);
  const typed = bytes[0] < 0x7f;
  const fields = decodeRlp(typed ? bytes.slice(1) : bytes);
  return { type: typed ? bytes[0] : 0, logs: fields[3] };
}

async function proven(a, proofNodes) {
  try {
    const value = await verifyMerkleProof(RLP.encode(a.tx_index), proofNodes.map((n) => getBytes(n)), {
      root: getBytes(a.receipts_root),
    });
    return value ? hexlify(value) : null;
  } catch {
    return null;
  }
}

function logMatches(log, d) {
  const [address, topics, data] = log;
  return getAddress(address) === getAddress(d.contract) && topics.length === 3 && topics[0] === TRANSFER &&
    topics[1] === zeroPadValue(d.from, 32).toLowerCase() && topics[2] === zeroPadValue(d.to, 32).toLowerCase() &&
    toBigInt(data) === BigInt(d.amount);
}

for (const c of cases) {
  const a = c.answer;
  if (keccak256(a.header_rlp) !== a.block_hash) fail(c, "keccak256(header_rlp) is not block_hash");
  const header = decodeRlp(a.header_rlp);
  if (header[5] !== a.receipts_root) fail(c, `the header's receiptsRoot ${header[5]} is not receipts_root`);
  if (BigInt(header[8]) !== BigInt(a.block_number)) fail(c, "the header's number is not block_number");
  if ((await proven(a, a.proof)) !== a.receipt) fail(c, "the proof does not yield the receipt under the root");
  const { type, logs } = receiptLogs(a.receipt);
  types[type] = (types[type] ?? 0) + 1;
  if (a.donations.length !== c.expected.length) fail(c, `${a.donations.length} donations, expected ${c.expected.length}`);
  for (const d of a.donations) {
    donations++;
    const log = logs[d.receipt_log_position];
    if (!log || !logMatches(log, d)) fail(c, `the receipt's log ${d.receipt_log_position} is not the donation at ${d.log_index}`);
    const e = c.expected.find((x) => x.log_index === d.log_index);
    if (!e || getAddress(e.contract) !== getAddress(d.contract) || getAddress(e.from) !== getAddress(d.from) ||
        getAddress(e.to) !== getAddress(d.to) || e.amount !== d.amount) {
      fail(c, `the donation at ${d.log_index} is not the expected one`);
    }
    // A tampered amount no longer matches the proven log.
    if (log && !logMatches(log, { ...d, amount: (BigInt(d.amount) + 1n).toString() })) tamperedAmountsRejected++;
    else fail(c, "a tampered amount still matched the receipt");
  }
  // A tampered node (one byte of the last one) must not prove the receipt.
  const nodes = [...a.proof];
  const last = getBytes(nodes[nodes.length - 1]);
  last[last.length - 1] ^= 1;
  nodes[nodes.length - 1] = hexlify(last);
  if ((await proven(a, nodes)) === a.receipt) fail(c, "a tampered proof node still proved the receipt");
  else tamperedNodesRejected++;
}

console.log(JSON.stringify({ cases: cases.length, donations, receipt_types: types, tampered_nodes_rejected: tamperedNodesRejected,
  tampered_amounts_rejected: tamperedAmountsRejected, failures: failures.slice(0, 20), failure_count: failures.length }));
process.exit(failures.length ? 1 : 0);
