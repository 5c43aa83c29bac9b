// The receipt page (/receipt/{chain}/{tx_hash}), driven by dashboard.test.mjs over its devnet and
// daemon: a real donation pending with its confirmations so far, then confirmed when blocks are
// mined, live, in Russian and English, with its "verify it yourself" links (the receipt proof, which
// the test fetches and checks, and the campaign's signed totals with the server's signer); a chain
// without receipt proofs (aurora); a donation a reorg undoes; unknown transactions, bad hashes and
// chains givewatch does not watch, each with a clear message.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { openPage, ruToEn } from "./languages.mjs";

/** Registers the tests; `env` as for languageTests. */
export function receiptTests(env) {
  const { devnetCmd, waitFor, getJSON, check, assertDisplays, CONFIRMATIONS } = env;
  const open = (url, options) => openPage(env, url, options);

  describe("receipt page", { timeout: 240_000 }, () => {
    it("shows a real donation pending, then confirmed as blocks are mined, live, in Russian and English", { timeout: 120_000 }, check(async () => {
      const sent = await devnetCmd("traffic", "--chain", "celo", "--donations", "1", "--seed", "7373", "--campaigns", "memorial", "--amounts", "realistic");
      const tx = sent.donations[0].tx_hash.toLowerCase();
      const [d] = (await waitFor(`the API to have the donation ${tx}`, async () => {
        const res = await fetch(`${env.api}/v1/tx/celo/${tx}`);
        return res.ok && (await res.json()).donations;
      }));
      assert.equal(d.status, "pending", "the new donation's status in the API");
      const ru = await open(`${env.api}/receipt/celo/${tx}?lang=ru`);
      const en = await open(`${env.api}/receipt/celo/${tx}`);  // the context's browser language: en-US
      await ru.evaluate(() => { window.__sameDocument = true; });
      const row = (page) => page.locator(`article.receipt-donation[data-log-index="${d.log_index}"]`);
      for (const page of [ru, en]) {
        assert.equal(await row(page).getAttribute("data-status"), "pending");
        assert.equal(await row(page).locator('[data-field="amount"]').getAttribute("data-value"), d.value, "the receipt's exact amount");
        assert.equal(await row(page).locator('[data-field="campaign"]').textContent(), "Political Prisoners. Memorial");
        assert.equal(await page.locator("#verify-explorer a").getAttribute("href"), `https://celoscan.io/tx/${d.tx_hash}`);
      }
      assertDisplays(ruToEn(await row(ru).locator('[data-field="amount"]').textContent()), d.value, "the Russian receipt's amount");
      assertDisplays(await row(en).locator('[data-field="amount"]').textContent(), d.value, "the English receipt's amount");
      assert.equal(await ru.locator("#receipt-title").textContent(), "Спасибо за ваше пожертвование");
      assert.equal(await en.locator("#receipt-title").textContent(), "Thank you for your donation");
      // Celo has receipt proofs (/v1/chains says so): a link, which the page itself never fetches;
      // this server has an attestation key: the campaign's signed totals and the signer.
      const lines = { ru: [ru, "Скачать доказательство (JSON)", `Подписанные суммы кампании Political Prisoners. Memorial (JSON) подписано ключом ${env.signer}`],
                      en: [en, "Download the proof (JSON)", `Signed totals of Political Prisoners. Memorial (JSON) signed by ${env.signer}`] };
      for (const [lang, [page, proofText, attestationText]] of Object.entries(lines)) {
        await waitFor(`the ${lang} attestation line`, async () => (await page.locator("#verify-attestation").textContent()) !== "");
        assert.equal(await page.locator("#verify-proof").textContent(), proofText, `${lang}: the proof line`);
        assert.equal(await page.locator("#verify-proof a").getAttribute("href"), `/v1/tx/celo/${tx}/proof`, `${lang}: the proof link`);
        assert.equal(await page.locator("#verify-proof a").getAttribute("download"), `givewatch-proof-${tx}.json`);
        assert.equal(await page.locator("#verify-attestation").textContent(), attestationText, `${lang}: the attestation line`);
        assert.equal(await page.locator("#verify-attestation a").getAttribute("href"), "/v1/campaigns/memorial/attestation");
      }

      // Confirmations so far, from the head /v1/chains reports, one mined block at a time.
      const status = (page) => row(page).locator('[data-field="status"]').textContent();
      const depth = async () => {
        const celo = (await getJSON("/v1/chains")).chains.find((c) => c.name === "celo");
        return Math.max(0, Math.min(CONFIRMATIONS, celo.head_block - d.block_number));
      };
      let on = await depth();
      await waitFor(`the Russian receipt to show ${on} of ${CONFIRMATIONS}`, async () => (await status(ru)) === `Ожидает подтверждения: ${on} из ${CONFIRMATIONS} блоков`);
      await ru.screenshot({ path: path.join(env.shots, "receipt-pending-ru.png"), fullPage: true });
      await devnetCmd("mine", "--chain", "celo", "--blocks", "1");
      await waitFor("the API's head of celo to move", async () => (await depth()) > on || on === CONFIRMATIONS);
      on = await depth();
      if (on < CONFIRMATIONS) {
        await waitFor(`the English receipt to show ${on} of ${CONFIRMATIONS}`, async () => (await status(en)) === `Waiting for confirmation: ${on} of ${CONFIRMATIONS} blocks`);
      }
      await devnetCmd("mine", "--chain", "celo", "--blocks", String(CONFIRMATIONS + 1));
      await waitFor("the Russian receipt to turn confirmed", async () => (await row(ru).getAttribute("data-status")) === "confirmed");
      await waitFor("the English receipt to turn confirmed", async () => (await row(en).getAttribute("data-status")) === "confirmed");
      assert.equal(await status(ru), "Подтверждено");
      assert.equal(await status(en), "Confirmed");
      assert.equal(await ru.evaluate(() => window.__sameDocument), true, "the receipt page was reloaded");
      await ru.screenshot({ path: path.join(env.shots, "receipt-confirmed-ru.png"), fullPage: true });
      await en.screenshot({ path: path.join(env.shots, "receipt-confirmed-en.png"), fullPage: true });
      for (const page of [ru, en]) {
        await page.close();
        assert.deepEqual(page.unexpectedErrors(), [], `${page.url()}: errors in the page`);
        assert.deepEqual(page.requested.filter((p) => p.endsWith("/proof")), [], `${page.url()}: the page fetched the proof`);
      }

      // What the link gives: the proof of the receipt that holds the donation, as stored.
      const res = await fetch(`${env.api}/v1/tx/celo/${tx}/proof`);
      const proof = await res.json();
      assert.equal(res.status, 200, `GET /v1/tx/celo/${tx}/proof: ${JSON.stringify(proof)}`);
      assert.equal(proof.tx_hash, tx);
      assert.equal(proof.block_number, d.block_number, "the proof's block");
      assert.deepEqual(proof.donations.map((p) => [p.log_index, p.amount, p.campaign]), [[d.log_index, d.amount, "memorial"]], "the proof's donations");
    }));

    it("says that no proof is available on a chain without receipt proofs (aurora)", { timeout: 60_000 }, check(async () => {
      const { chains } = await getJSON("/v1/chains");
      assert.deepEqual(Object.fromEntries(chains.map((c) => [c.name, c.proofs])), { bsc: true, aurora: false, celo: true }, "/v1/chains: proofs");
      let d;
      for (const c of (await getJSON("/v1/campaigns")).campaigns) {
        [d] = (await getJSON(`/v1/campaigns/${c.id}/donations?chain=aurora&limit=1`)).donations;
        if (d) break;
      }
      assert.ok(d, "no campaign has a donation on aurora");
      const res = await fetch(`${env.api}/v1/tx/aurora/${d.tx_hash}/proof`);
      assert.equal(res.status, 422, `GET /v1/tx/aurora/${d.tx_hash}/proof`);
      for (const [lang, text] of [["ru", "Доказательство для транзакций в блокчейне Aurora недоступно."],
                                  ["en", "Proof not available for transactions on Aurora."]]) {
        const page = await open(`${env.api}/receipt/aurora/${d.tx_hash}?lang=${lang}`);
        await waitFor(`the ${lang} proof line`, async () => (await page.locator("#verify-proof").textContent()) !== "");
        assert.equal(await page.locator("#verify-proof").textContent(), text, `${lang}: the proof line`);
        assert.equal(await page.locator("#verify-proof a").count(), 0, `${lang}: a proof link`);
        await page.close();
        assert.deepEqual(page.unexpectedErrors(), [], `${lang}: errors in the page`);
        assert.deepEqual(page.requested.filter((p) => p.endsWith("/proof")), [], `${lang}: the page fetched the proof`);
      }
    }));

    it("says when a reorg undoes the donation", { timeout: 90_000 }, check(async () => {
      const snapshot = await devnetCmd("snapshot", "--chain", "celo");
      const orphan = await devnetCmd("traffic", "--chain", "celo", "--donations", "1", "--seed", "8484", "--campaigns", "memorial");
      const tx = orphan.donations[0].tx_hash.toLowerCase();
      await waitFor(`the API to have the donation ${tx}`, async () => (await fetch(`${env.api}/v1/tx/celo/${tx}`)).ok);
      const page = await open(`${env.api}/receipt/celo/${tx}?lang=ru`);
      const row = page.locator("article.receipt-donation");
      assert.equal(await row.getAttribute("data-status"), "pending");
      await devnetCmd("revert", "--chain", "celo", "--id", snapshot.id);
      await devnetCmd("mine", "--chain", "celo", "--blocks", String(orphan.to_block - orphan.from_block + 3));
      await waitFor(`the receipt of ${tx} to say a reorg undid it`, async () => (await row.getAttribute("data-status")) === "removed");
      assert.match(await row.locator('[data-field="status"]').textContent(), /^Отменено реорганизацией цепочки/);
      await page.screenshot({ path: path.join(env.shots, "receipt-removed-ru.png"), fullPage: true });
      await page.close();
      assert.deepEqual(page.unexpectedErrors(), [], "errors in the page");
      await env.waitIndexed();
    }));

    it("explains an unknown transaction, a bad hash and an unknown chain", { timeout: 60_000 }, check(async () => {
      const unknown = `0x${"ab".repeat(32)}`;
      const cases = [
        [`/receipt/celo/${unknown}`, `givewatch has no donation to a campaign in transaction ${unknown} on Celo.`],
        [`/receipt/celo/${unknown}?lang=ru`, `У givewatch нет пожертвования в кампанию в транзакции ${unknown} в блокчейне Celo.`],
        ["/receipt/celo/0x1234", "“0x1234” is not a transaction hash (0x and 64 hexadecimal digits)."],
        [`/receipt/nowhere/${unknown}`, "givewatch does not watch a chain called “nowhere”. It watches: bsc, aurora, celo."],
      ];
      for (const [url, text] of cases) {
        const page = await open(env.api + url);
        assert.equal(await page.locator("#receipt-message p").first().textContent(), text, url);
        assert.equal(await page.locator("article.receipt-donation").count(), 0, `${url}: a donation is shown`);
        assert.equal(await page.locator("#verify").isVisible(), false, `${url}: the verify section is shown`);
        await page.close();
        assert.deepEqual(page.unexpectedErrors(), [], `${url}: errors in the page`);
      }
    }));
  });
}
