// givewatch dashboard. Plain JavaScript, no build step, no external network.
//
// What it shows, and from where:
//   - every campaign (GET /v1/campaigns) with its confirmed and pending totals, per chain and token;
//   - each campaign's latest donations (GET /v1/campaigns/{id}/donations?limit=10);
//   - live updates from one EventSource for every campaign (GET /v1/events; a Donation names its
//     `campaign`, a Campaign its `id`): `totals` replaces the numbers, `donation` adds a row at the
//     top, `confirmed` flips a row's status, `removed` takes a row out (a chain reorganisation undid
//     it). One connection, however many campaigns: browsers open at most 6 to one server;
//   - each chain's sync state (GET /v1/chains, every few seconds).
//
// Amounts are the API's exact decimal strings. They are never turned into floating point: display
// rounding and sums are done on the digit strings (BigInt for the arithmetic), in i18n.js, which also
// holds the page's English and Russian texts (?lang=en|ru, else the browser's language).
//
// /?widget=ID renders only the embeddable widget for campaign ID (for an <iframe>); see widget.js.
(() => {
  "use strict";

  const DONATIONS_SHOWN = 10;
  const CHAINS_REFRESH_MS = 4000;

  // ---------------------------------------------------------------- language and formatting (i18n.js)

  const I18n = window.GivewatchI18n;
  const lang = I18n.pageLang();
  const t = (key, vars) => I18n.t(lang, key, vars);
  const formatDecimal = (text, digits = 2) => I18n.formatDecimal(text, lang, digits);
  const formatCount = (n) => I18n.formatCount(n, lang);
  const timeAgo = (unixSeconds) => I18n.timeAgo(unixSeconds, lang);
  const { addDecimals, parseDecimal, permille, chainLabel } = I18n;

  // ---------------------------------------------------------------- small helpers

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  function shortHex(hex, head = 6, tail = 4) {
    if (!hex || hex.length <= head + tail + 1) return hex || "";
    return hex.slice(0, head) + "…" + hex.slice(-tail);
  }

  // Per chain id, from /v1/chains: {head, confirmations, finality, explorer}. A configured explorer
  // ([[chains]] explorer) takes precedence over the well-known ones (i18n.js).
  const chainState = new Map();
  function explorerOf(chainId) {
    return I18n.explorerOf(chainId, chainState.get(Number(chainId))?.explorer);
  }

  function txUrl(d) {
    const base = explorerOf(d.chain_id);
    if (base) return `${base}/tx/${d.tx_hash}`;
    return `/v1/tx/${encodeURIComponent(d.chain || String(d.chain_id))}/${d.tx_hash}`;
  }

  function addressUrl(chainId, address) {
    const base = explorerOf(chainId);
    return base ? `${base}/address/${address}` : null;
  }

  function timeElement(unixSeconds) {
    const date = new Date(unixSeconds * 1000);
    const t = el("time", { datetime: date.toISOString(), title: I18n.formatDate(unixSeconds, lang), "data-ts": String(unixSeconds) });
    t.textContent = timeAgo(unixSeconds);
    return t;
  }

  /** A formatted amount whose exact value is in data-value and the tooltip. */
  function amountSpan(value, field, digits = 2) {
    const s = el("span", { class: "amount", "data-field": field, "data-value": value ?? "", title: value ?? "" });
    s.textContent = formatDecimal(value, digits);
    return s;
  }

  function setAmount(node, value) {
    if (!node) return;
    node.dataset.value = value ?? "";
    node.title = value != null ? t("exactly", { value }) : "";
    node.textContent = formatDecimal(value);
    // Very long figures step down a size rather than wrap mid-number.
    const len = node.textContent.length;
    node.dataset.size = len > 24 ? "xxl" : len > 18 ? "xl" : len > 14 ? "l" : "";
  }

  function awaiting(n) {
    return t("awaiting", { n: formatCount(n), count: n });
  }

  async function getJSON(path) {
    const res = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-cache" });
    if (!res.ok) {
      let message = `${res.status} ${res.statusText}`;
      try { message = (await res.json()).error.message || message; } catch { /* not JSON */ }
      throw new Error(`${path}: ${message}`);
    }
    return res.json();
  }

  const announcer = () => document.getElementById("announcer");
  function announce(text) {
    const a = announcer();
    if (!a) return;
    const p = el("p", { text });
    a.append(p);
    while (a.childElementCount > 5) a.firstElementChild.remove();
  }

  // ---------------------------------------------------------------- widget mode (/?widget=ID)

  const widgetCampaign = new URLSearchParams(location.search).get("widget");
  if (widgetCampaign) {
    document.documentElement.classList.add("widget-mode");
    const start = () => {
      document.body.replaceChildren();
      const s = document.createElement("script");
      s.src = "/widget.js";
      s.dataset.campaign = widgetCampaign;
      s.dataset.lang = lang;
      s.dataset.fill = "";  // take the frame's whole width
      document.body.append(s);
    };
    if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
    return;
  }

  // ---------------------------------------------------------------- the campaigns

  /** Per campaign: {data, card, rows: Map(key -> tr), buffered: [] | null}. */
  const campaigns = new Map();

  const donationKey = (d) => `${d.chain_id}:${d.tx_hash}:${d.log_index}:${d.block_hash}`;

  function buildCard(c) {
    const card = document.getElementById("campaign-template").content.firstElementChild.cloneNode(true);
    card.dataset.campaign = c.id;
    card.id = `campaign-${c.id}`;
    const title = card.querySelector(".campaign-name");
    title.id = `campaign-${c.id}-title`;
    title.textContent = c.name;
    card.setAttribute("aria-labelledby", title.id);
    const list = card.querySelector('[data-field="addresses"]');
    for (const a of c.addresses || []) {
      const chainId = (c.as_of || []).find((x) => x.chain === a.chain)?.chain_id;
      const url = chainId != null ? addressUrl(chainId, a.address) : null;
      const addr = url ? el("a", { href: url, rel: "noopener", target: "_blank", class: "mono" }, a.address)
                       : el("span", { class: "mono" }, a.address);
      list.append(el("li", {}, chainBadge(a.chain), " ", addr));
    }
    return card;
  }

  function chainBadge(name) {
    return el("span", { class: `chain-badge chain-${/^[a-z0-9-]+$/.test(name || "") ? name : "other"}` }, chainLabel(name));
  }

  function renderTotals(entry) {
    const c = entry.data, card = entry.card;
    setAmount(card.querySelector('[data-field="usd-total"]'), c.confirmed.usd);
    setAmount(card.querySelector('[data-field="pending-usd"]'), c.pending.usd);
    card.querySelector('[data-field="pending-donations"]').textContent = awaiting(c.pending.donations);
    card.querySelector('[data-field="pending-donations"]').dataset.count = String(c.pending.donations);
    card.querySelector('[data-field="pending-box"]').classList.toggle("is-zero", !c.pending.donations);
    card.querySelector('[data-field="donations"]').textContent = formatCount(c.confirmed.donations);
    card.querySelector('[data-field="donors"]').textContent = formatCount(c.confirmed.donors);
    const last = card.querySelector('[data-field="last-donation"]');
    last.replaceChildren(c.last_donation ? timeElement(c.last_donation.timestamp) : "—");

    // By chain and token: one row per configured token, confirmed and pending side by side.
    const body = card.querySelector('[data-field="by-token"]');
    body.replaceChildren();
    const pendingOf = new Map((c.pending.by_token || []).map((t) => [`${t.chain}:${t.contract}`, t]));
    const perChain = new Map();
    for (const t of c.confirmed.by_token || []) {
      const p = pendingOf.get(`${t.chain}:${t.contract}`);
      const tr = el("tr", { "data-chain": t.chain, "data-token": t.token },
        el("td", {}, chainBadge(t.chain)),
        el("td", { class: "token", title: t.contract }, t.token),
        el("td", { class: "num" }, amountSpan(t.value, "token-confirmed")),
        el("td", { class: "num pending-cell" }, p && p.amount !== "0" ? amountSpan(p.value, "token-pending") : el("span", { class: "muted" }, "—")),
        el("td", { class: "num" }, formatCount(t.donations + (p ? p.donations : 0))));
      body.append(tr);
      if (t.usd) perChain.set(t.chain, [...(perChain.get(t.chain) || []), t.value]);
    }

    // A bar of each chain's share of the confirmed USD total: tokens with `usd = true` only, as
    // amounts of other tokens cannot be added to dollars.
    const bar = card.querySelector('[data-field="share-bar"]');
    bar.replaceChildren();
    const total = addDecimals([...perChain.values()].flat());
    if (parseDecimal(total) && total !== "0") {
      for (const [chain, values] of perChain) {
        const share = permille(addDecimals(values), total);
        if (share <= 0) continue;
        const seg = el("span", { class: `seg chain-${chain}`, style: `flex-grow:${share}`, title: `${chainLabel(chain)}: ${(share / 10).toFixed(1)}%` });
        bar.append(seg);
      }
    }
    bar.hidden = !bar.childElementCount;
    renderSummary();
  }

  function renderSummary() {
    const all = [...campaigns.values()].map((e) => e.data).filter(Boolean);
    const set = (field, value) => {
      const n = document.querySelector(`[data-field="${field}"]`);
      if (n) setAmount(n, value);
    };
    set("all-usd-total", addDecimals(all.map((c) => c.confirmed.usd)));
    set("all-pending-usd", addDecimals(all.map((c) => c.pending.usd)));
    document.querySelector('[data-field="all-donations"]').textContent =
      formatCount(all.reduce((n, c) => n + c.confirmed.donations + c.pending.donations, 0));
    document.querySelector('[data-field="all-campaigns"]').textContent = formatCount(all.length);
  }

  function donationRow(d, fresh) {
    const li = el("li", {
      class: fresh ? "donation is-new" : "donation",
      "data-tx": d.tx_hash, "data-chain-id": String(d.chain_id), "data-log-index": String(d.log_index),
      "data-block-hash": d.block_hash, "data-status": d.status,
      "data-ts": String(d.timestamp), "data-block": String(d.block_number),
    });
    li.append(
      el("p", { class: "d-amount" }, amountSpan(d.value ?? d.amount, "amount"), " ", el("span", { class: "token" }, d.token || "?")),
      el("p", { class: "d-status" }, statusPill(d.status)),
      el("p", { class: "d-meta" },
        chainBadge(d.chain),
        el("span", { class: "from" }, t("from"), " ", el("span", { class: "mono", title: d.from }, shortHex(d.from))),
        el("span", { class: "when" }, timeElement(d.timestamp))),
      el("p", { class: "d-tx" }, el("a", {
        href: txUrl(d), rel: "noopener", target: "_blank", class: "tx-link",
        title: t("tx.title", { hash: d.tx_hash, block: d.block_number }),
        "aria-label": t("tx.aria", { hash: shortHex(d.tx_hash, 10, 6) }),
      }, el("span", { class: "mono" }, shortHex(d.tx_hash, 8, 6)), el("span", { "aria-hidden": "true", class: "ext" }, " ↗"))),
    );
    if (fresh) setTimeout(() => li.classList.remove("is-new"), 4000);
    showDepth(li);
    return li;
  }

  function statusPill(status) {
    return el("span", { class: `status status-${status}`, "data-field": "status" },
      t(status === "confirmed" ? "status.confirmed" : "status.pending"));
  }

  /** On a pending row's pill, how many of the chain's confirmations it has ("1/3"). */
  function showDepth(li) {
    const pill = li.querySelector('[data-field="status"]');
    if (!pill || li.dataset.status !== "pending") return;
    const s = chainState.get(Number(li.dataset.chainId));
    let depth = pill.querySelector('[data-field="depth"]');
    if (!s || s.finality !== "confirmations" || !s.confirmations) {
      if (depth) depth.remove();
      pill.title = s && s.finality && s.finality !== "confirmations" ? t("finality.title", { finality: s.finality }) : "";
      return;
    }
    const on = Math.max(0, Math.min(s.confirmations, s.head - Number(li.dataset.block)));
    if (!depth) {
      depth = el("span", { class: "depth", "data-field": "depth" });
      pill.append(" ", depth);
    }
    depth.textContent = `${on}/${s.confirmations}`;
    pill.title = t("depth.title", { on, of: s.confirmations });
  }

  function syncEmpty(entry) {
    const n = entry.rows.size;
    entry.card.querySelector('[data-field="donations-empty"]').hidden = n > 0;
    entry.card.querySelector("ol.donations").hidden = n === 0;
  }

  /** The API's order, newest first: block timestamp, then chain id, block number, log index, all descending. */
  function newerFirst(a, b) {
    for (const k of ["ts", "chainId", "block", "logIndex"]) {
      const x = Number(a[k]), y = Number(b[k]);
      if (x !== y) return y - x;
    }
    return 0;
  }

  function addDonation(entry, d, { fresh }) {
    const key = donationKey(d);
    if (entry.rows.has(key)) return false;
    const list = entry.card.querySelector('[data-field="donations-list"]');
    // A live donation goes where the API would list it: the top, unless another chain has a newer block.
    const sortKey = { ts: d.timestamp, chainId: d.chain_id, block: d.block_number, logIndex: d.log_index };
    const before = fresh ? [...list.children].find((li) => newerFirst(sortKey, li.dataset) < 0) : null;
    if (fresh && !before && list.childElementCount >= DONATIONS_SHOWN) return false;  // older than all shown
    const tr = donationRow(d, fresh);
    list.insertBefore(tr, before);
    entry.rows.set(key, tr);
    while (list.childElementCount > DONATIONS_SHOWN) {
      const last = list.lastElementChild;
      for (const [k, row] of entry.rows) if (row === last) entry.rows.delete(k);
      last.remove();
    }
    syncEmpty(entry);
    return true;
  }

  function confirmDonation(entry, d) {
    const tr = entry.rows.get(donationKey(d));
    if (!tr) return;
    tr.dataset.status = "confirmed";
    tr.querySelector('[data-field="status"]').replaceWith(statusPill("confirmed"));
  }

  function removeDonation(entry, d) {
    const key = donationKey(d);
    const tr = entry.rows.get(key);
    if (!tr) return;
    entry.rows.delete(key);
    tr.classList.add("is-removed");
    tr.dataset.status = "removed";
    setTimeout(() => { tr.remove(); syncEmpty(entry); }, 600);
  }

  function handleEvent(entry, type, d) {
    if (type === "totals") {
      entry.data = d;
      renderTotals(entry);
    } else if (type === "donation") {
      if (addDonation(entry, d, { fresh: true })) {
        announce(t("announce", { campaign: entry.data?.name ?? entry.id, amount: formatDecimal(d.value ?? d.amount), token: d.token ?? "", chain: chainLabel(d.chain) }));
      }
    } else if (type === "confirmed") {
      confirmDonation(entry, d);
    } else if (type === "removed") {
      removeDonation(entry, d);
      // The list may now be short of older donations that had been pushed out: fetch the page again.
      clearTimeout(entry.refill);
      entry.refill = setTimeout(() => refill(entry), 1500);
    }
  }

  function setLive(entry, state) {
    const live = entry.card.querySelector('[data-field="live"]');
    live.dataset.state = state;
    live.querySelector(".live-text").textContent =
      t({ open: "live.open", error: "live.error" }[state] || "live.connecting");
    updateConnection();
  }

  function updateConnection() {
    const states = [...campaigns.values()].map((e) => e.card.querySelector('[data-field="live"]').dataset.state);
    const box = document.getElementById("connection");
    let state = "connecting";
    if (states.length && states.every((s) => s === "open")) state = "open";
    else if (states.some((s) => s === "error")) state = "error";
    box.dataset.state = state;
    box.querySelector(".connection-text").textContent = t(`connection.${state}`);
  }

  let stream = null;
  let generation = 0;  // of connect(): pages of donations loaded for an older stream are dropped

  function connect() {
    // Events arriving before a campaign's first page of donations is in are kept and applied after
    // it, so nothing between the page and the stream is lost; duplicates are dropped by key.
    generation++;
    for (const entry of campaigns.values()) entry.buffered = [];
    const source = new EventSource("/v1/events");
    stream = source;
    const on = (type) => source.addEventListener(type, (ev) => {
      let data;
      try { data = JSON.parse(ev.data); } catch { return; }
      const entry = campaigns.get(type === "totals" ? data.id : data.campaign);
      if (!entry) return;  // a campaign configured after this page was loaded
      if (entry.buffered && type !== "totals") entry.buffered.push([type, data]);
      else handleEvent(entry, type, data);
    });
    ["totals", "donation", "confirmed", "removed"].forEach(on);
    const setAll = (state) => { for (const entry of campaigns.values()) setLive(entry, state); };
    source.addEventListener("open", () => setAll("open"));
    source.addEventListener("error", () => {
      if (source.readyState !== EventSource.CLOSED) return setAll("error");  // EventSource retries itself
      // The server refused the stream (or answered something else): start over in a while, with
      // fresh pages of donations, since the events in between are not coming.
      setAll("error");
      if (stream !== source) return;
      stream = null;
      setTimeout(async () => {
        await connect();
        const current = generation;
        await Promise.all([...campaigns.values()].map(async (entry) => {
          for (const tr of entry.rows.values()) tr.remove();
          entry.rows.clear();
          await loadDonations(entry, current);
        }));
      }, 5000);
    });
    return new Promise((resolve) => {
      // The stream opens with every campaign's totals: the server's cursor is then set.
      source.addEventListener("totals", () => resolve(), { once: true });
      setTimeout(resolve, 5000);
    });
  }

  /** Shows exactly `list` (newest first), keeping the rows already there; new ones highlighted. */
  function reconcile(entry, list, fresh) {
    const body = entry.card.querySelector('[data-field="donations-list"]');
    const rows = new Map();
    const ordered = [];
    for (const d of list.slice(0, DONATIONS_SHOWN)) {
      const key = donationKey(d);
      let tr = entry.rows.get(key);
      if (!tr) tr = donationRow(d, fresh);
      else if (tr.dataset.status !== d.status) {
        tr.dataset.status = d.status;
        tr.querySelector('[data-field="status"]').replaceWith(statusPill(d.status));
      }
      rows.set(key, tr);
      ordered.push(tr);
    }
    body.replaceChildren(...ordered);
    entry.rows = rows;
    syncEmpty(entry);
  }

  async function refill(entry) {
    if (entry.buffered) return;  // the first page is still coming
    try {
      const page = await getJSON(`/v1/campaigns/${encodeURIComponent(entry.id)}/donations?status=all&limit=${DONATIONS_SHOWN}`);
      reconcile(entry, page.donations, false);
    } catch { /* the next removal or a reload tries again */ }
  }

  async function loadDonations(entry, forGeneration = generation) {
    let page = null, failure = null;
    try {
      page = await getJSON(`/v1/campaigns/${encodeURIComponent(entry.id)}/donations?status=all&limit=${DONATIONS_SHOWN}`);
    } catch (err) {
      failure = err;
    }
    if (forGeneration !== generation) return;  // a newer stream has started over; its page counts
    if (page) for (const d of page.donations) addDonation(entry, d, { fresh: false });
    else showError(entry.card.querySelector(".donations-block"), t("card.donations.failed", { error: failure.message }));
    const buffered = entry.buffered || [];
    entry.buffered = null;
    for (const [type, d] of buffered) handleEvent(entry, type, d);
    syncEmpty(entry);
  }

  function showError(where, message) {
    where.append(el("p", { class: "error", role: "alert" }, message));
  }

  async function loadCampaigns() {
    const container = document.getElementById("campaigns");
    let list;
    try {
      list = (await getJSON("/v1/campaigns")).campaigns;
    } catch (err) {
      container.replaceChildren(el("p", { class: "error", role: "alert" }, t("campaigns.failed", { error: err.message })));
      setTimeout(loadCampaigns, 5000);
      return;
    }
    container.replaceChildren();
    container.setAttribute("aria-busy", "false");
    if (!list.length) container.append(el("p", { class: "placeholder" }, t("campaigns.none")));
    for (const c of list) {
      const entry = { id: c.id, data: c, card: buildCard(c), rows: new Map(), buffered: null };
      campaigns.set(c.id, entry);
      container.append(entry.card);
      renderTotals(entry);
      syncEmpty(entry);
    }
    if (campaigns.size) {
      await connect();
      await Promise.all([...campaigns.values()].map((entry) => loadDonations(entry)));
    }
    document.documentElement.dataset.loaded = "true";
  }

  // ---------------------------------------------------------------- the chains

  async function refreshChains() {
    const container = document.getElementById("chains");
    try {
      const { chains } = await getJSON("/v1/chains");
      for (const ch of chains) {
        chainState.set(ch.chain_id, { head: ch.head_block, confirmations: ch.confirmations, finality: ch.finality, explorer: ch.explorer });
      }
      for (const li of document.querySelectorAll('li.donation[data-status="pending"]')) showDepth(li);
      const cards = chains.map((ch) => {
        const healthy = (ch.endpoints || []).filter((e) => e.healthy).length;
        const state = !ch.head_block ? "unknown" : healthy === 0 ? "down" : ch.syncing ? "syncing" : "synced";
        const stateText = t(`chain.${state}`);
        const pct = ch.head_block ? Math.min(100, Math.floor((ch.indexed_block / ch.head_block) * 100)) : 0;
        return el("article", { class: `chain chain-state-${state}`, "data-chain": ch.name, "aria-label": t("chain.aria", { chain: chainLabel(ch.name) }) },
          el("header", { class: "chain-head" },
            el("h3", {}, chainBadge(ch.name), el("span", { class: "chain-id" }, t("chain.id", { id: ch.chain_id }))),
            el("span", { class: `sync sync-${state}`, "data-field": "sync-state" }, stateText)),
          el("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(pct), "aria-label": t("chain.progress") },
            el("span", { style: `width:${pct}%` })),
          el("dl", { class: "chain-stats" },
            el("div", {}, el("dt", {}, t("chain.indexed")), el("dd", { "data-field": "indexed-block" }, formatCount(ch.indexed_block))),
            el("div", {}, el("dt", {}, t("chain.head")), el("dd", { "data-field": "head-block" }, formatCount(ch.head_block))),
            el("div", {}, el("dt", {}, t("chain.confirmed")), el("dd", { "data-field": "confirmed-block" }, formatCount(ch.confirmed_block))),
            el("div", {}, el("dt", {}, t("chain.behind")), el("dd", { "data-field": "lag", title: t("chain.behind.title", { n: formatCount(ch.lag_blocks), count: ch.lag_blocks }) }, formatCount(ch.lag_blocks)))),
          el("ul", { class: "endpoints", "aria-label": t("chain.endpoints") },
            ...(ch.endpoints || []).map((e) => el("li", { class: e.healthy ? "ok" : "bad", title: e.last_error || t(e.healthy ? "endpoint.healthy" : "endpoint.unhealthy") },
              el("span", { class: "dot", "aria-hidden": "true" }),
              el("span", { class: "mono url" }, e.url),
              el("span", { class: "visually-hidden" }, e.healthy ? ` (${t("endpoint.healthy")})` : ` (${t("endpoint.unhealthy")}${e.last_error ? ": " + e.last_error : ""})`),
              !e.healthy && e.last_error ? el("span", { class: "endpoint-error" }, e.last_error) : null))));
      });
      container.replaceChildren(...cards);
      if (!cards.length) container.append(el("p", { class: "placeholder" }, t("chains.none")));
    } catch (err) {
      if (!container.querySelector(".chain")) container.replaceChildren(el("p", { class: "error", role: "alert" }, t("chains.failed", { error: err.message })));
    } finally {
      setTimeout(refreshChains, CHAINS_REFRESH_MS);
    }
  }

  function refreshTimes() {
    for (const t of document.querySelectorAll("time[data-ts]")) t.textContent = timeAgo(Number(t.dataset.ts));
  }

  function fillEmbedHelp() {
    const origin = location.origin;
    const script = document.getElementById("embed-script");
    const iframe = document.getElementById("embed-iframe");
    if (script) script.textContent = `<script src="${origin}/widget.js" data-campaign="memorial"></script>`;
    if (iframe) iframe.textContent = `<iframe src="${origin}/?widget=memorial" width="340" height="230" style="border:0"></iframe>`;
  }

  // The address that signs attestations of the totals (GET /v1/info), so that a reader can check a
  // signed total against the key the operator published.
  async function showSigner() {
    try {
      const info = await getJSON("/v1/info");
      const p = document.getElementById("attestation");
      if (!p || !info.attestation_signer) return;
      document.getElementById("signer").textContent = info.attestation_signer;
      p.hidden = false;
    } catch (e) {
      // The footer line stays hidden: the rest of the page does not depend on it.
    }
  }

  function start() {
    document.documentElement.lang = lang;
    I18n.translate(document, lang);
    I18n.translate(document.getElementById("campaign-template").content, lang);
    document.querySelector(".header-inner").append(I18n.switcher(lang));
    fillEmbedHelp();
    loadCampaigns();
    refreshChains();
    showSigner();
    setInterval(refreshTimes, 20000);
  }

  // For tests and the console: the formatting the page uses.
  Object.defineProperty(window, "givewatchDashboard", { value: Object.freeze({ formatDecimal, addDecimals }) });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
