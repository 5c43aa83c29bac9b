// The dashboard and the widget in English and Russian, driven by
// dashboard.test.mjs over its devnet and daemon (one devnet for every browser test):
//
//   - the dashboard in Russian by ?lang=ru and by the browser's language, and ?lang=en over a Russian
//     browser; amounts formatted "1 234,50" and equal to the API's exact values, dollars "1 234,50 $"
//     in Russian and "$1,234.50" in English; the footer's attestation signer in both;
//   - the widget with data-lang="ru" on a page of another origin, still the page's only global.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import { once } from "node:events";

/** A displayed Russian amount ("39 681,50") as the English one ("39,681.50") assertDisplays checks. */
export function ruToEn(display) {
  assert.match(display, /^\d{1,3}(\u00a0\d{3})*(,\d+)?$/, `"${display}" is not a Russian-formatted decimal ("1 234,50", no-break spaces)`);
  return display.replace(",", ".").replaceAll("\u00a0", ",");
}

/** A displayed Russian dollar amount ("1 234,50 $": the sign after a no-break space) as the English amount ("1,234.50"). */
export function ruUsdToEn(display) {
  const m = /^(.*)\u00a0\$$/.exec(display);
  assert.ok(m, `"${display}" is not a Russian dollar amount ("1 234,50 $", the sign after a no-break space)`);
  return ruToEn(m[1]);
}

/** 404s the pages expect (an unknown transaction's /v1/tx): not errors. */
const expected404 = /^console: Failed to load resource: the server responded with a status of 404 .*\(\S+\/v1\/tx\/\S+\)$/;

/**
 * Opens `url` in a new page of env.context, with `languages` as the browser's languages if given, and
 * waits for html[data-loaded] unless `loaded` is false. page.unexpectedErrors() lists its errors.
 */
export async function openPage(env, url, { languages, loaded = true } = {}) {
  const page = await env.context.newPage();
  const errors = [];
  env.watchConsole(page, errors);
  page.requested = [];  // the paths it asked for
  page.on("request", (r) => page.requested.push(new URL(r.url()).pathname));
  if (languages) {
    await page.addInitScript((langs) => {
      Object.defineProperty(Navigator.prototype, "languages", { get: () => langs });
      Object.defineProperty(Navigator.prototype, "language", { get: () => langs[0] });
    }, languages);
  }
  await page.goto(url);
  if (loaded) await env.waitFor(`${url} to load (html[data-loaded])`, () => page.$('html[data-loaded="true"]'), { timeout: 30_000 });
  page.unexpectedErrors = () => errors.filter((e) => !expected404.test(e));
  return page;
}

/**
 * Registers the tests. `env` gives what dashboard.test.mjs set up: context, api, devnetCmd, waitFor,
 * getJSON, waitIndexed, watchConsole, check, assertDisplays, shots, CONFIRMATIONS.
 */
export function languageTests(env) {
  const { waitFor, getJSON, check, assertDisplays } = env;
  const open = (url, options) => openPage(env, url, options);

  describe("languages", { timeout: 180_000 }, () => {
    it("shows the dashboard in Russian by ?lang=ru and by the browser's language, with exact amounts", { timeout: 90_000 }, check(async () => {
      for (const [url, languages] of [[`${env.api}/?lang=ru`, undefined], [`${env.api}/`, ["ru-RU", "ru"]]]) {
        const page = await open(url, { languages });
        assert.equal(await page.getAttribute("html", "lang"), "ru", `${url}: html lang`);
        assert.equal(await page.locator("#campaigns-title").textContent(), "Кампании", `${url}: the campaigns' heading`);
        assert.equal(await page.locator('article[data-campaign="memorial"] .label').first().textContent(), "Собрано · подтверждено");
        const c = await getJSON("/v1/campaigns/memorial");
        const total = page.locator('article[data-campaign="memorial"] [data-field="usd-total"]');
        await waitFor("memorial's total to equal the API's", async () => (await total.getAttribute("data-value")) === (await getJSON("/v1/campaigns/memorial")).confirmed.usd);
        const shown = await total.textContent();
        assert.match(shown, /\u00a0\d{3}(\u00a0\d{3})*,\d{2,}$/, `memorial's total "${shown}" is not grouped the Russian way`);
        assertDisplays(ruToEn(shown), await total.getAttribute("data-value"), "memorial's total in Russian");
        const card = page.locator('article[data-campaign="memorial"]');
        assertDisplays(ruUsdToEn(await card.locator(".big").textContent()), await total.getAttribute("data-value"), "memorial's total in Russian dollars");
        const pending = await card.locator('[data-field="pending-usd"]').getAttribute("data-value");
        assert.equal(await card.locator(".pending-amount").textContent(), `+${await card.locator('[data-field="pending-usd"]').textContent()}\u00a0$`);
        assertDisplays(ruUsdToEn((await card.locator(".pending-amount").textContent()).slice(1)), pending, "memorial's pending dollars in Russian");
        const all = await page.locator('[data-field="all-usd-total"]').getAttribute("data-value");
        assertDisplays(ruUsdToEn(await page.locator(".summary-main dd").textContent()), all, "the header's total in Russian dollars");
        await waitFor("the footer's attestation signer", () => page.locator("#attestation").isVisible());
        assert.equal(await page.locator("#signer").textContent(), env.signer, `${url}: the footer's signer`);
        assert.match(await page.locator("#attestation").textContent(), /^Подтверждённые суммы каждой кампании также доступны с подписью/);
        assert.ok(c.confirmed.donations > 0);
        await waitFor("the chains' sync state in Russian", async () =>
          (await page.locator('article.chain[data-chain="bsc"] [data-field="sync-state"]').textContent().catch(() => "")) === "Синхронизирован");
        await page.screenshot({ path: path.join(env.shots, "dashboard-ru.png"), fullPage: true });
        await page.close();
        assert.deepEqual(page.unexpectedErrors(), [], `${url}: errors in the page`);
      }
      // An explicit ?lang=en wins over a Russian browser.
      const en = await open(`${env.api}/?lang=en`, { languages: ["ru-RU", "ru"] });
      assert.equal(await en.locator("#campaigns-title").textContent(), "Campaigns");
      assert.match(await en.locator('article[data-campaign="memorial"] [data-field="usd-total"]').textContent(), /^\d{1,3}(,\d{3})*\.\d{2,}$/);
      assert.match(await en.locator('article[data-campaign="memorial"] .big').textContent(), /^\$\d{1,3}(,\d{3})*\.\d{2,}$/);
      assert.match(await en.locator('article[data-campaign="memorial"] .pending-amount').textContent(), /^\+\$\d{1,3}(,\d{3})*\.\d{2,}$/);
      await waitFor("the English footer's attestation signer", () => en.locator("#attestation").isVisible());
      assert.equal(await en.locator("#signer").textContent(), env.signer, "the English footer's signer");
      assert.match(await en.locator("#attestation").textContent(), /^Each campaign's confirmed totals are also served signed/);
      await en.close();
    }));

    it("shows the widget in Russian with data-lang, still with one global", { timeout: 60_000 }, check(async () => {
      const html = `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Кампания</title><link rel="icon" href="data:,">
<script>window.__globalsBefore = Object.getOwnPropertyNames(window);</script></head>
<body><script src="${env.api}/widget.js" data-campaign="memorial" data-lang="ru"></script></body></html>`;
      const server = http.createServer((req, res) => {
        res.writeHead(req.url === "/" ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
        res.end(req.url === "/" ? html : "not found");
      });
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      try {
        const widget = await open(`http://127.0.0.1:${server.address().port}/`, { loaded: false });
        const w = (f) => widget.locator(`.givewatch-widget[data-campaign="memorial"] [data-field="${f}"]`);
        await waitFor("the Russian widget to show the API's total", async () =>
          (await w("usd-total").getAttribute("data-value")) === (await getJSON("/v1/campaigns/memorial")).confirmed.usd, { timeout: 30_000 });
        const c = await getJSON("/v1/campaigns/memorial");
        assertDisplays(ruToEn(await w("usd-total").textContent()), c.confirmed.usd, "the Russian widget's total");
        const box = widget.locator('.givewatch-widget[data-campaign="memorial"]');
        assertDisplays(ruUsdToEn(await box.locator(".total").textContent()), c.confirmed.usd, "the Russian widget's total in dollars");
        assert.equal(await box.locator('[data-field="pending-box"] strong').textContent(), `+${await w("pending-usd").textContent()}\u00a0$`,
          "the Russian widget's pending dollars");
        const n = c.confirmed.donors, last = n % 10, tens = n % 100;
        const form = last === 1 && tens !== 11 ? "жертвователь" : last >= 2 && last <= 4 && (tens < 12 || tens > 14) ? "жертвователя" : "жертвователей";
        assert.equal(await w("donors-label").textContent(), form, `the donors' label for ${n}`);
        assert.equal(await widget.locator('.givewatch-widget [data-i18n="widget.verified"]').textContent(), "Проверено в блокчейне с помощью givewatch");
        const globals = await widget.evaluate(() => Object.getOwnPropertyNames(window).filter((g) => !window.__globalsBefore.includes(g) && g !== "__globalsBefore"));
        assert.deepEqual(globals, ["GivewatchWidget"], "globals the widget added to the page");
        await widget.screenshot({ path: path.join(env.shots, "widget-ru.png") });
        await widget.close();
        assert.deepEqual(widget.unexpectedErrors(), [], "errors in the page");
      } finally {
        server.close();
      }
    }));
  });
}
