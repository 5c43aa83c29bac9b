/*
 * givewatch widget: a campaign's live donation total, read from the chains, for any web page.
 *
 * As a script (one line where the box should appear; several on one page are fine):
 *
 *   <script src="https://GIVEWATCH-HOST/widget.js" data-campaign="memorial"></script>
 *
 *   data-campaign  the campaign id (required), as in GET /v1/campaigns
 *   data-theme     "light" (default), "dark", or "auto" (follows the reader's system setting)
 *   data-target    a CSS selector of an element to render into, instead of right after the script tag
 *   data-lang      "en" or "ru"; without it, the reader's browser language (English when neither)
 *
 * The box shows the confirmed USD total, the pending amount apart from it, the donor count and a
 * "verified on-chain by givewatch" link to the dashboard, with amounts and texts in the chosen language
 * (givewatch's i18n.js, fetched from the same server). It is rendered in a Shadow DOM (the page's
 * styles do not reach it and its styles do not leak out), talks to the origin this script was loaded
 * from (the givewatch server must allow the page's origin: [server] cors_origins), and stays live over
 * Server-Sent Events (GET /v1/campaigns/{id}/events), falling back to polling if the stream is refused.
 *
 * As an iframe (where the page allows no third-party scripts):
 *
 *   <iframe src="https://GIVEWATCH-HOST/?widget=memorial" width="340" height="230" style="border:0"
 *           title="Donations to Memorial, verified on-chain"></iframe>
 *
 * The only global is window.GivewatchWidget: { mount(element, {campaign, origin, theme, lang}), version }.
 * Boxes of the same campaign on one page share one event stream.
 */
(function () {
  "use strict";

  var script = document.currentScript;  // only set while this file first runs: capture it now

  var ns = window.GivewatchWidget;
  if (!ns || typeof ns.mount !== "function") {
    ns = createNamespace();
    try {
      Object.defineProperty(window, "GivewatchWidget", { value: ns, configurable: true });
    } catch (e) {
      window.GivewatchWidget = ns;
    }
  }

  if (script && script.dataset && script.dataset.campaign) {
    var origin;
    try {
      origin = new URL(script.src, document.baseURI).origin;
    } catch (e) {
      origin = location.origin;
    }
    var options = {
      campaign: script.dataset.campaign,
      origin: origin,
      theme: script.dataset.theme || "light",
      lang: script.dataset.lang,
      fill: script.hasAttribute("data-fill"),
    };
    var place = function () {
      var target = script.dataset.target ? document.querySelector(script.dataset.target) : null;
      var host = document.createElement("div");
      if (target) {
        target.appendChild(host);
      } else if (script.parentNode && script.parentNode !== document.head && script.parentNode.nodeType === 1) {
        script.parentNode.insertBefore(host, script.nextSibling);
      } else {
        document.body.appendChild(host);
      }
      ns.mount(host, options);
    };
    // Right away when the script tag sits in the body (the box appears where the tag is); after
    // parsing when it is in <head> or asks for a target that may come later in the page.
    if (document.readyState === "loading" && (script.dataset.target || !document.body || script.parentNode === document.head)) {
      document.addEventListener("DOMContentLoaded", place);
    } else {
      place();
    }
  }

  function createNamespace() {
    var streams = {};  // origin + campaign -> {listeners, source, last}

    // ------------------------------------------------------------ texts and formatting (i18n.js)
    // The dictionary and the exact decimal formatting are givewatch's i18n.js, loaded once per origin
    // from the server this script came from (a page that lets this script in lets that one in too).
    // On the dashboard's own page (the iframe mode) it is already there. Loaded here, its global is
    // taken back off the page, so that GivewatchWidget stays the only one.
    var dictionaries = {};  // origin -> Promise of GivewatchI18n
    function loadI18n(origin) {
      if (window.GivewatchI18n) return Promise.resolve(window.GivewatchI18n);
      if (!dictionaries[origin]) {
        dictionaries[origin] = new Promise(function (resolve, reject) {
          var s = document.createElement("script");
          s.src = origin + "/i18n.js";
          s.async = true;
          s.onload = function () {
            var i18n = window.GivewatchI18n;
            try { delete window.GivewatchI18n; } catch (e) { /* stays; harmless */ }
            s.remove();
            if (i18n) resolve(i18n); else reject(new Error(s.src + " defined no GivewatchI18n"));
          };
          s.onerror = function () { s.remove(); reject(new Error("could not load " + s.src)); };
          (document.head || document.documentElement).appendChild(s);
        });
      }
      return dictionaries[origin];
    }

    // ------------------------------------------------------------ one stream per campaign
    function subscribe(origin, campaign, listener) {
      var key = origin + " " + campaign;
      var s = streams[key];
      if (!s) {
        s = streams[key] = { listeners: [], source: null, last: null, state: "connecting", timer: null };
        open(s, origin, campaign);
      }
      s.listeners.push(listener);
      if (s.last) listener({ type: "totals", data: s.last });
      listener({ type: "state", state: s.state });
    }
    function emit(s, message) {
      if (message.type === "totals") s.last = message.data;
      if (message.type === "state") s.state = message.state;
      s.listeners.forEach(function (l) {
        try { l(message); } catch (e) { /* one box's failure is not the others' */ }
      });
    }
    function open(s, origin, campaign) {
      var base = origin + "/v1/campaigns/" + encodeURIComponent(campaign);
      if (typeof EventSource === "undefined") return poll(s, base);
      var source = new EventSource(base + "/events");
      s.source = source;
      source.addEventListener("totals", function (ev) {
        try { emit(s, { type: "totals", data: JSON.parse(ev.data) }); } catch (e) { /* ignore a bad event */ }
      });
      source.addEventListener("donation", function () { emit(s, { type: "donation" }); });
      source.addEventListener("open", function () { emit(s, { type: "state", state: "live" }); });
      source.addEventListener("error", function () {
        if (source.readyState !== EventSource.CLOSED) return emit(s, { type: "state", state: "connecting" });
        // Refused (unknown campaign, CORS, a proxy that buffers): poll instead, which also reports why.
        s.source = null;
        poll(s, base);
      });
    }
    function poll(s, base) {
      var tick = function () {
        fetch(base, { headers: { Accept: "application/json" }, cache: "no-cache" }).then(function (res) {
          return res.json().then(function (body) {
            if (!res.ok) {
              var message = body && body.error && body.error.message ? body.error.message : res.status + " " + res.statusText;
              emit(s, { type: "error", message: message });
              if (res.status === 404) return;  // no such campaign: stop asking
            } else {
              emit(s, { type: "totals", data: body });
              emit(s, { type: "state", state: "polling" });
            }
            s.timer = setTimeout(tick, 15000);
          });
        }).catch(function () {
          emit(s, { type: "state", state: "offline" });
          s.timer = setTimeout(tick, 15000);
        });
      };
      tick();
    }

    // ------------------------------------------------------------ the box
    var CSS = [
      ":host{all:initial;display:block;max-width:360px;margin:12px 0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Noto Sans','DejaVu Sans',sans-serif;line-height:1.35;",
      "--bg:#ffffff;--ink:#14181f;--muted:#5b6472;--line:#e2e6ec;--accent:#173a7a;--ok:#137a3f;--ok-bg:#e6f4ec;--warn:#8a5300;--warn-bg:#fff3dc;--flash:#fff1b8}",
      ":host([data-fill]){max-width:none;margin:0}",
      ":host([data-theme=dark]){--bg:#141a24;--ink:#eef2f7;--muted:#a3adbb;--line:#2a3342;--accent:#8fb0ff;--ok:#5fd38f;--ok-bg:#163626;--warn:#ffc266;--warn-bg:#3a2a10;--flash:#4a3f12}",
      "@media (prefers-color-scheme:dark){:host([data-theme=auto]){--bg:#141a24;--ink:#eef2f7;--muted:#a3adbb;--line:#2a3342;--accent:#8fb0ff;--ok:#5fd38f;--ok-bg:#163626;--warn:#ffc266;--warn-bg:#3a2a10;--flash:#4a3f12}}",
      ".box{box-sizing:border-box;background:var(--bg);color:var(--ink);border:1px solid var(--line);border-radius:14px;padding:16px 18px 14px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 4px 14px rgba(16,24,40,.06);border-top:4px solid var(--accent)}",
      ".head{display:flex;align-items:center;justify-content:space-between;gap:10px;margin:0 0 8px}",
      ".name{font-size:14px;font-weight:650;margin:0;color:var(--ink);overflow-wrap:anywhere}",
      ".live{display:inline-flex;align-items:center;gap:5px;font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);white-space:nowrap}",
      ".live i{width:8px;height:8px;border-radius:50%;background:#9aa3ad;display:inline-block}",
      ".live[data-state=live] i{background:#1fa35b;box-shadow:0 0 0 3px rgba(31,163,91,.18)}",
      ".live[data-state=offline] i{background:#c0392b}",
      ".total{margin:0;line-height:1.15;font-size:32px;font-weight:750;letter-spacing:-.02em;font-variant-numeric:tabular-nums;overflow-wrap:anywhere;border-radius:6px;transition:background-color .8s}",
      ".total .cur{font-size:.6em;font-weight:650;color:var(--muted);margin-right:2px;vertical-align:.35em}.total .cur[data-place=after]{margin-right:0}",
      ".total.flash{background:var(--flash);transition:none}",
      ".total [data-size=l]{font-size:.8em}.total [data-size=xl]{font-size:.64em}.total [data-size=xxl]{font-size:.5em}",
      ".caption{margin:2px 0 10px;font-size:12.5px;color:var(--muted)}",
      ".row{display:flex;flex-wrap:wrap;gap:6px 8px;align-items:center;margin:0 0 12px}",
      ".chip{display:inline-flex;align-items:baseline;gap:4px;font-size:12.5px;border-radius:999px;padding:3px 9px;font-variant-numeric:tabular-nums}",
      ".chip.pending{background:var(--warn-bg);color:var(--warn)}",
      ".chip.pending[hidden]{display:none}",
      ".chip.donors{background:var(--ok-bg);color:var(--ok)}",
      ".chip strong{font-weight:700}",
      ".verified{display:flex;align-items:center;gap:6px;font-size:12px;color:var(--muted);text-decoration:none;border-top:1px solid var(--line);padding-top:10px}",
      ".verified:hover,.verified:focus-visible{color:var(--accent);text-decoration:underline}",
      ".verified svg{flex:none}",
      ".error{margin:0 0 10px;font-size:12.5px;color:#b42318}",
      "@media (prefers-reduced-motion:reduce){.total{transition:none}}",
    ].join("\n");

    function mount(host, options) {
      if (!host || !options || !options.campaign) throw new Error("GivewatchWidget.mount(element, {campaign, origin})");
      var origin = options.origin || location.origin;
      var campaign = String(options.campaign);
      host.classList.add("givewatch-widget");
      host.setAttribute("data-campaign", campaign);
      host.setAttribute("data-theme", options.theme || "light");
      if (options.fill) host.setAttribute("data-fill", "");
      var root = host.shadowRoot || host.attachShadow({ mode: "open" });
      loadI18n(origin).then(function (i18n) {
        render(root, i18n, i18n.pick(options.lang), origin, campaign);
      }, function (err) {
        root.textContent = "givewatch: " + err.message;
      });
      return host;
    }

    function render(root, i18n, lang, origin, campaign) {
      var t = function (key, vars) { return i18n.t(lang, key, vars); };
      var dashboard = origin + "/?lang=" + lang + "#campaign-" + encodeURIComponent(campaign);
      root.innerHTML =
        "<style>" + CSS + "</style>" +
        '<section class="box" part="box" lang="' + lang + '">' +
        '<div class="head"><p class="name" data-field="name"></p>' +
        '<span class="live" data-field="live" data-state="connecting"><i aria-hidden="true"></i><span class="live-text"></span></span></div>' +
        '<p class="error" data-field="error" role="alert" hidden></p>' +
        '<p class="total" aria-live="polite" aria-atomic="true"><span class="cur" data-usd-sign>$</span><span data-field="usd-total" data-value="">—</span></p>' +
        '<p class="caption" data-i18n="widget.caption"></p>' +
        '<div class="row">' +
        '<span class="chip pending" data-field="pending-box" hidden><strong>+<span data-usd-sign>$</span><span data-field="pending-usd" data-value=""></span></strong> <span data-i18n="widget.pending"></span></span>' +
        '<span class="chip donors"><strong data-field="donors">—</strong> <span data-field="donors-label"></span></span>' +
        "</div>" +
        '<a class="verified" target="_blank" rel="noopener">' +
        '<svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true"><path fill="currentColor" d="M8 0l6 2.5v4.6c0 4-2.6 7.4-6 8.9-3.4-1.5-6-4.9-6-8.9V2.5z" opacity=".18"/><path fill="none" stroke="currentColor" stroke-width="1.8" d="M4.8 8.2l2.2 2.2 4.2-4.4"/></svg>' +
        '<span data-i18n="widget.verified"></span></a>' +
        "</section>";
      var $ = function (f) { return root.querySelector('[data-field="' + f + '"]'); };
      i18n.translate(root, lang);
      root.querySelector(".box").setAttribute("aria-label", t("widget.aria"));
      $("donors-label").textContent = t("widget.donors", { count: 0 });
      root.querySelector(".verified").href = dashboard;
      $("name").textContent = campaign;
      var totalBox = root.querySelector(".total");

      function setAmount(node, value) {
        node.setAttribute("data-value", value == null ? "" : value);
        node.title = value == null ? "" : t("exactly", { value: value });
        node.textContent = i18n.formatDecimal(value, lang);
        var len = node.textContent.length;
        node.setAttribute("data-size", len > 22 ? "xxl" : len > 16 ? "xl" : len > 12 ? "l" : "");
      }

      subscribe(origin, campaign, function (m) {
        if (m.type === "totals") {
          var c = m.data;
          $("error").hidden = true;
          $("name").textContent = c.name || campaign;
          root.querySelector(".box").setAttribute("aria-label", t("widget.aria.named", { name: c.name || campaign }));
          setAmount($("usd-total"), c.confirmed.usd);
          setAmount($("pending-usd"), c.pending.usd);
          $("pending-box").hidden = !c.pending.donations;
          $("pending-box").title = t("awaiting", { n: i18n.formatCount(c.pending.donations, lang), count: c.pending.donations });
          $("donors").textContent = i18n.formatCount(c.confirmed.donors, lang);
          $("donors-label").textContent = t("widget.donors", { count: c.confirmed.donors });
        } else if (m.type === "donation") {
          totalBox.classList.add("flash");
          setTimeout(function () { totalBox.classList.remove("flash"); }, 50);
        } else if (m.type === "state") {
          var live = $("live");
          live.setAttribute("data-state", m.state);
          live.querySelector(".live-text").textContent = t("widget." + m.state);
        } else if (m.type === "error") {
          $("error").textContent = m.message;
          $("error").hidden = false;
        }
      });
    }

    return Object.freeze({ mount: mount, version: "1" });
  }
})();
