// Checks givewatch's webhook signatures with the reference implementation of Standard Webhooks (the
// npm package `standardwebhooks`), not with givewatch's own code.
//   scripts/devnet/node tests/alerts/verify_webhook.mjs CASES.json
// CASES.json: [{"secret": "whsec_…", "id", "timestamp" (Unix seconds), "body", "signature" (the
// webhook-signature header), "valid": whether verification must succeed}]. Exits 0 when every case
// came out as expected, 1 otherwise (each wrong case named on stderr), 2 on bad usage or input.
import fs from "node:fs";
import { Webhook } from "standardwebhooks";

const file = process.argv[2];
if (!file) {
  console.error("usage: verify_webhook.mjs CASES.json");
  process.exit(2);
}
let cases;
try {
  cases = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!Array.isArray(cases) || cases.length === 0) throw new Error("expected a non-empty array of cases");
} catch (e) {
  console.error(`verify_webhook: ${file}: ${e.message}`);
  process.exit(2);
}

let wrong = 0;
cases.forEach((c, i) => {
  const headers = {
    "webhook-id": c.id,
    "webhook-timestamp": String(c.timestamp),
    "webhook-signature": c.signature,
  };
  let verified = false;
  let why = "";
  try {
    new Webhook(c.secret).verify(c.body, headers);
    verified = true;
  } catch (e) {
    why = `${e.name}: ${e.message}`;
  }
  if (verified !== c.valid) {
    ++wrong;
    console.error(`case ${i} (${c.id}): expected ${c.valid ? "valid" : "rejected"}, got ${verified ? "valid" : why}`);
  }
});
console.log(`verify_webhook: ${cases.length - wrong} of ${cases.length} cases as expected`);
process.exit(wrong ? 1 : 0);
