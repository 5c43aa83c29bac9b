// givewatch receipt page, /receipt/{chain}/{tx_hash}: the donations in one transaction, for the donor.
//
// From where:
//   - the donations: GET /v1/tx/{chain}/{tx_hash} (404 while givewatch has none in it: not seen yet,
//     not a donation, or undone by a reorg);
//   - live status: the event stream GET /v1/events (`donation`, `confirmed`, `removed` of this
//     transaction), and, every few seconds while anything is pending or missing, /v1/tx again, so
//     that a missed event only delays the page;
//   - confirmations so far, the explorer and whether the chain has receipt proofs: GET /v1/chains
//     (head_block, confirmations, finality, explorer, proofs);
//   - "verify it yourself": a link to GET /v1/tx/{chain}/{tx_hash}/proof where the chain's `proofs`
//     is on, else a line saying there is none (the page never fetches the proof itself: building one
//     reads the whole block's receipts from a node); the signer of GET /v1/campaigns/{id}/attestation,
//     or "this server does not sign" when it answers 404.
// Texts and formatting: i18n.js (?lang=en|ru, else the browser's language).
(() => {
  "use strict";

  const REFRESH_MS = 4000;
  const I18n = window.GivewatchI18n;
  const lang = I18n.pageLang();
  const t = (key, vars) => I18n.t(lang, key, vars);

  const where = /\/receipt\/([^/]*)\/([^/]*)\/?$/.exec(location.pathname) || [];
  const chain = decodeURIComponent(where[1] || "");
  const hash = decodeURIComponent(where[2] || "").toLowerCase();
  const txPath = `/v1/tx/${encodeURIComponent(chain)}/${encodeURIComponent(hash)}`;

  let chainInfo = null;       // this chain's entry of /v1/chains
  const rows = new Map();     // `${block_hash}:${log_index}` -> {d, status, node}
  const names = new Map();    // campaign id -> name
  const naming = new Map();   // campaign id -> Promise of its name's loading
  let verified = false;       // the "verify it yourself" links are filled

  const $ = (id) => document.getElementById(id);
  const field = (node, name) => node.querySelector(`[data-field="${name}"]`);
  const keyOf = (d) => `${d.block_hash}:${d.log_index}`;
  const sameTx = (d) => d && Number(d.chain_id) === chainInfo?.chain_id && String(d.tx_hash).toLowerCase() === hash;

  function message(...lines) {
    $("receipt-message").replaceChildren(...lines.map((text, i) => {
      const p = document.createElement("p");
      p.className = i ? "section-note" : "receipt-notice";
      p.textContent = text;
      return p;
    }));
  }

  async function get(path) {
    const res = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-cache" });
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    return { status: res.status, ok: res.ok, body };
  }

  /** The status line: confirmed, pending with the blocks on top of it so far, or undone by a reorg. */
  function statusText(row) {
    if (row.status === "removed") return t("receipt.removed");
    if (row.status === "confirmed") return t("receipt.confirmed");
    const c = chainInfo;
    if (c && c.finality !== "confirmations") return t("receipt.pending.finality", { finality: c.finality });
    const of = c?.confirmations || 0;
    const on = c ? Math.max(0, Math.min(of, c.head_block - Number(row.d.block_number))) : 0;
    return t("receipt.pending", { on, of });
  }

  function paint(row) {
    const node = row.node;
    node.dataset.status = row.status;
    const pill = field(node, "status");
    pill.className = `status status-${row.status}`;
    pill.textContent = statusText(row);
    const link = field(node, "campaign");
    link.textContent = names.get(row.d.campaign) || row.d.campaign;
    link.href = `/?lang=${lang}#campaign-${encodeURIComponent(row.d.campaign)}`;
  }

  function build(d) {
    const node = $("donation-template").content.firstElementChild.cloneNode(true);
    I18n.translate(node, lang);
    node.dataset.logIndex = String(d.log_index);
    const amount = field(node, "amount");
    amount.dataset.value = d.value;
    amount.title = t("exactly", { value: d.value });
    amount.textContent = I18n.formatDecimal(d.value, lang);
    field(node, "token").textContent = d.token || "";
    field(node, "chain").textContent = I18n.chainLabel(d.chain);
    field(node, "time").textContent = I18n.formatDate(d.timestamp, lang);
    field(node, "block").textContent = I18n.formatCount(d.block_number, lang);
    field(node, "from").textContent = d.from;
    return node;
  }

  /** Shows the donation `d` with `status`, adding it if new. */
  function upsert(d, status) {
    let row = rows.get(keyOf(d));
    if (!row) {
      // A transaction included again after a reorg: its undone rows give way to the new ones.
      for (const [k, r] of rows) if (r.status === "removed") { r.node.remove(); rows.delete(k); }
      row = { d, status, node: build(d) };
      rows.set(keyOf(d), row);
      $("receipt-donations").append(row.node);
      loadName(d.campaign);
    }
    row.status = status;
    paint(row);
    $("receipt-message").replaceChildren();
    $("receipt-live").hidden = false;
    if (!verified) verify(d);
  }

  /** Makes the page show exactly the API's answer for the transaction (`list` empty: none now). */
  function reconcile(list) {
    const keys = new Set(list.map(keyOf));
    for (const [k, row] of rows) {
      if (keys.has(k)) continue;
      if (list.length) { row.node.remove(); rows.delete(k); } else if (row.status !== "removed") { row.status = "removed"; paint(row); }
    }
    for (const d of list) upsert(d, d.status);
    if (!rows.size) message(t("receipt.unknown", { hash, chain: I18n.chainLabel(chain) }), t("receipt.unknown.hint"));
  }

  async function refreshTx() {
    try {
      const r = await get(txPath);
      if (r.ok) reconcile(r.body.donations);
      else if (r.status === 404) reconcile([]);
      else message(t("receipt.failed", { error: r.body?.error?.message || String(r.status) }));
    } catch (err) {
      message(t("receipt.failed", { error: err.message }));
    }
  }

  /** Loads campaign `id`'s name once (the id stands in until then); resolves when it is known. */
  function loadName(id) {
    if (!naming.has(id)) {
      names.set(id, id);
      naming.set(id, get(`/v1/campaigns/${encodeURIComponent(id)}`).catch(() => null).then((r) => {
        if (r?.ok) names.set(id, r.body.name);
        for (const row of rows.values()) paint(row);
      }));
    }
    return naming.get(id);
  }

  /** The "verify it yourself" links: explorer, proof and attestation (each may be missing here). */
  async function verify(d) {
    verified = true;
    $("verify").hidden = false;
    const item = (id, text, href, download) => {
      const li = $(id);
      if (!href) { li.textContent = text; li.className = "muted"; return; }
      const a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      if (download) a.setAttribute("download", download); else a.rel = "noopener";
      li.replaceChildren(a);
    };
    const explorer = I18n.explorerOf(d.chain_id, chainInfo?.explorer);
    if (explorer) item("verify-explorer", t("receipt.explorer"), `${explorer}/tx/${d.tx_hash}`);
    else $("verify-explorer").remove();
    if (chainInfo?.proofs) item("verify-proof", t("verify.proof"), `${txPath}/proof`, `givewatch-proof-${hash}.json`);
    else item("verify-proof", t("verify.proof.none", { chain: I18n.chainLabel(chain) }));
    const [attestation] = await Promise.all([
      get(`/v1/campaigns/${encodeURIComponent(d.campaign)}/attestation`).catch(() => ({ ok: false })), loadName(d.campaign)]);
    if (attestation.ok) {
      item("verify-attestation", t("verify.attestation", { campaign: names.get(d.campaign) || d.campaign }),
           `/v1/campaigns/${encodeURIComponent(d.campaign)}/attestation`);
      $("verify-attestation").append(" ", t("verify.signer", { signer: attestation.body.signer }));
    } else {
      item("verify-attestation", t("verify.attestation.none"));
    }
  }

  async function refreshChain() {
    try {
      const r = await get("/v1/chains");
      if (r.ok) chainInfo = r.body.chains.find((c) => c.name === chain) || null;
      for (const row of rows.values()) paint(row);
      const waiting = !rows.size || [...rows.values()].some((row) => row.status !== "confirmed");
      if (waiting) await refreshTx();
    } catch {
      // The server is away for a moment: the next round asks again.
    } finally {
      setTimeout(refreshChain, REFRESH_MS);
    }
  }

  function listen() {
    const source = new EventSource("/v1/events");
    const on = (type, apply) => source.addEventListener(type, (ev) => {
      let d;
      try { d = JSON.parse(ev.data); } catch { return; }
      if (sameTx(d)) apply(d);
    });
    on("donation", (d) => upsert(d, "pending"));
    on("confirmed", (d) => upsert(d, "confirmed"));
    on("removed", (d) => {
      const row = rows.get(keyOf(d));
      if (row) { row.status = "removed"; paint(row); }
    });
    // (Re)connected: what happened while the stream was closed is in /v1/tx.
    source.addEventListener("open", () => refreshTx());
  }

  async function start() {
    await show();
    document.documentElement.dataset.loaded = "true";
  }

  async function show() {
    document.documentElement.lang = lang;
    I18n.translate(document, lang);
    document.querySelector(".header-inner").append(I18n.switcher(lang));
    $("home").href = `/?lang=${lang}`;
    $("receipt-tx").textContent = `${I18n.chainLabel(chain)} · ${hash}`;
    if (!/^0x[0-9a-f]{64}$/.test(hash)) return message(t("receipt.bad_hash", { hash }));
    const chains = await get("/v1/chains").catch((err) => ({ ok: false, body: { error: { message: err.message } } }));
    if (!chains.ok) return message(t("receipt.failed", { error: chains.body?.error?.message || String(chains.status) }));
    chainInfo = chains.body.chains.find((c) => c.name === chain) || null;
    if (!chainInfo) {
      return message(t("receipt.bad_chain", { chain, chains: chains.body.chains.map((c) => c.name).join(", ") }));
    }
    listen();
    await refreshTx();
    setTimeout(refreshChain, REFRESH_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
