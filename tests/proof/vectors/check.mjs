// Independent checker for givewatch receipt-proof test vectors.
//
// For every tests/proof/vectors/*.json file:
//   1. RLP-encodes the block header from its JSON-RPC fields and compares
//      keccak256(rlp) with block.hash;
//   2. rebuilds the receipts trie (key rlp(i), value = consensus encoding of
//      receipt i) and compares its root with block.receiptsRoot;
//   3. if block.transactions holds full objects with a `raw` field, or the
//      vector carries `raw_transactions`, rebuilds the transactions trie too;
//   4. recomputes every receipt's logs bloom from its logs and compares it
//      with the receipt's logsBloom (when present).
//
// Run from the repository root:  node tests/proof/vectors/check.mjs
// Exit status is non-zero if any vector fails.
//
// Receipt consensus encodings (see README.md for the source references):
//   legacy (0x0):      rlp([statusOrRoot, cumulativeGasUsed, bloom, logs])
//   typed 0x1/0x2/0x3/0x4: type || rlp([...same four...])
//   OP deposit 0x7e:   0x7e || rlp([...four..., depositNonce, depositReceiptVersion])
//                      ONLY when depositReceiptVersion is present (post-Canyon);
//                      before Canyon (Regolith..Canyon) the nonce is in the
//                      JSON but NOT in the trie encoding -> plain four fields.
//   Celo CIP-64 0x7b:  0x7b || rlp([...four..., baseFee]) (baseFee omitted when absent)
//   Celo 0x7c (CIP-42) and other types: type || rlp([...four...])

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keccak256, getBytes, toBeArray, concat } from 'ethers';
import { RLP } from '@ethereumjs/rlp';
import { createMPT } from '@ethereumjs/mpt';

const here = dirname(fileURLToPath(import.meta.url));

const bytes = (hex) => getBytes(hex);
// quantity -> minimal big-endian bytes, 0 -> empty
const qty = (hex) => {
  const n = BigInt(hex);
  return n === 0n ? new Uint8Array() : toBeArray(n);
};
const hex = (u8) => '0x' + Buffer.from(u8).toString('hex');

const HEADER_BASE = [
  ['parentHash', bytes], ['sha3Uncles', bytes], ['miner', bytes], ['stateRoot', bytes],
  ['transactionsRoot', bytes], ['receiptsRoot', bytes], ['logsBloom', bytes],
  ['difficulty', qty], ['number', qty], ['gasLimit', qty], ['gasUsed', qty],
  ['timestamp', qty], ['extraData', bytes], ['mixHash', bytes], ['nonce', bytes],
];
const HEADER_OPTIONAL = [
  ['baseFeePerGas', qty], ['withdrawalsRoot', bytes], ['blobGasUsed', qty],
  ['excessBlobGas', qty], ['parentBeaconBlockRoot', bytes], ['requestsHash', bytes],
];

function headerRlp(b) {
  const fields = HEADER_BASE.map(([k, f]) => {
    if (b[k] === undefined) throw new Error(`header field ${k} missing`);
    return f(b[k]);
  });
  let gap = null;
  for (const [k, f] of HEADER_OPTIONAL) {
    if (b[k] === undefined || b[k] === null) { gap ??= k; continue; }
    if (gap) throw new Error(`header field ${k} present but earlier optional ${gap} absent`);
    fields.push(f(b[k]));
  }
  return RLP.encode(fields);
}

function bloomOf(logs) {
  const bloom = new Uint8Array(256);
  const add = (data) => {
    const h = bytes(keccak256(data));
    for (let i = 0; i < 6; i += 2) {
      const bit = ((h[i] << 8) | h[i + 1]) & 2047;
      bloom[256 - 1 - (bit >> 3)] |= 1 << (bit & 7);
    }
  };
  for (const l of logs) {
    add(bytes(l.address));
    for (const t of l.topics) add(bytes(t));
  }
  return bloom;
}

function receiptEncoding(r) {
  const type = Number(BigInt(r.type ?? '0x0'));
  let statusOrRoot;
  if (r.root && r.root !== '0x' && r.status === undefined) statusOrRoot = bytes(r.root);
  else statusOrRoot = BigInt(r.status) === 1n ? Uint8Array.of(1) : new Uint8Array();
  const logs = r.logs.map((l) => [bytes(l.address), l.topics.map(bytes), bytes(l.data)]);
  const bloom = r.logsBloom ? bytes(r.logsBloom) : bloomOf(r.logs);
  const fields = [statusOrRoot, qty(r.cumulativeGasUsed), bloom, logs];
  if (type === 0x7e) {
    // op-geth core/types/receipt.go Receipts.EncodeIndex: nonce and version are
    // both appended only when DepositReceiptVersion != nil (post-Canyon).
    if (r.depositReceiptVersion !== undefined && r.depositReceiptVersion !== null) {
      fields.push(qty(r.depositNonce), qty(r.depositReceiptVersion));
    }
  } else if (type === 0x7b) {
    // celo-org/op-geth core/types/receipt.go: celoDynamicReceiptRLP, BaseFee rlp:"optional"
    if (r.baseFee !== undefined && r.baseFee !== null) fields.push(qty(r.baseFee));
  }
  const body = RLP.encode(fields);
  return type === 0 ? body : concat([Uint8Array.of(type), body]);
}

async function trieRoot(values) {
  const trie = await createMPT();
  for (let i = 0; i < values.length; i++) await trie.put(RLP.encode(i), values[i]);
  return hex(trie.root());
}

async function checkVector(file) {
  const v = JSON.parse(readFileSync(join(here, file), 'utf8'));
  const b = v.block;
  const out = [];
  let ok = true;

  const h = keccak256(headerRlp(b));
  const headerOk = h === b.hash.toLowerCase();
  ok &&= headerOk;
  out.push(`header ${headerOk ? 'match' : `MISMATCH (got ${h})`}`);

  const receipts = [...v.receipts].sort(
    (x, y) => Number(BigInt(x.transactionIndex)) - Number(BigInt(y.transactionIndex)));
  receipts.forEach((r, i) => {
    if (Number(BigInt(r.transactionIndex)) !== i) throw new Error(`${file}: receipt index gap at ${i}`);
  });
  const txCount = Array.isArray(b.transactions) ? b.transactions.length : null;
  if (txCount !== null && txCount !== receipts.length) {
    ok = false;
    out.push(`receipt count ${receipts.length} != tx count ${txCount}`);
  }
  const rr = await trieRoot(receipts.map(receiptEncoding));
  const rOk = rr === b.receiptsRoot.toLowerCase();
  ok &&= rOk;
  out.push(`receiptsRoot ${rOk ? 'match' : `MISMATCH (got ${rr})`}`);

  let bloomBad = 0;
  for (const r of receipts) {
    if (r.logsBloom && hex(bloomOf(r.logs)) !== r.logsBloom.toLowerCase()) bloomBad++;
  }
  if (bloomBad) { ok = false; out.push(`${bloomBad} receipt blooms MISMATCH`); }

  const raws = v.raw_transactions ?? null;
  if (raws) {
    const tr = await trieRoot(raws.map(bytes));
    const tOk = tr === b.transactionsRoot.toLowerCase();
    ok &&= tOk;
    out.push(`transactionsRoot ${tOk ? 'match' : `MISMATCH (got ${tr})`}`);
  }

  const types = {};
  for (const r of receipts) {
    const t = '0x' + Number(BigInt(r.type ?? '0x0')).toString(16);
    types[t] = (types[t] ?? 0) + 1;
  }
  const typeStr = Object.entries(types).map(([t, n]) => `${t}x${n}`).join(',');
  const extras = HEADER_OPTIONAL.filter(([k]) => b[k] != null).map(([k]) => k).join(',') || 'none';
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${file}: ${out.join(', ')}; ${receipts.length} receipts [${typeStr}]; post-London header fields: ${extras}`);
  return ok;
}

const files = readdirSync(here).filter((f) => f.endsWith('.json')).sort();
let failed = 0;
for (const f of files) {
  try {
    if (!(await checkVector(f))) failed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${f}: ${e.message}`);
  }
}
console.log(`${files.length - failed}/${files.length} vectors ok`);
process.exit(failed ? 1 : 0);
