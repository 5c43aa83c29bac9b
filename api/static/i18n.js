/*
 * givewatch i18n: the English and Russian texts of the dashboard (app.js), the widget (widget.js) and
 * the receipt page (receipt.js), and the formatting of amounts, counts and dates in each language.
 *
 * The language: `?lang=en|ru` on the page's URL (the widget: data-lang), else the first of the
 * browser's languages (navigator.languages, what it sends as Accept-Language) that givewatch speaks,
 * else English.
 *
 * Amounts are the API's exact decimal strings and are never turned into floating point: rounding,
 * sums and the separators of each language (en "1,234.50", ru "1 234,50" with a no-break space)
 * are done on the digit strings, BigInt for the arithmetic. Dollar amounts are written "$1,234.50" in
 * English and "1 234,50 $" in Russian: the pages mark the sign, and translate() puts it in its place.
 *
 * Also the chains' display names and well-known block explorers, which every page shows.
 *
 * Defines window.GivewatchI18n; the widget takes it and removes the global again (see widget.js).
 */
(function () {
  "use strict";

  const LANGS = ["en", "ru"];
  // How each language writes numbers: its separators, and whether the dollar sign follows the amount.
  const NUMBERS = {
    en: { group: ",", decimal: ".", usdAfter: false },
    ru: { group: "\u00a0", decimal: ",", usdAfter: true },
  };

  // A text, or per plural category (Intl.PluralRules) for a text with a count {n}.
  const STRINGS = {
    en: {
      "page.title": "givewatch — donations to human-rights campaigns, verified on-chain",
      "skip": "Skip to campaigns",
      "tagline": "Stablecoin donations to human-rights campaigns, counted straight from the blockchain",
      "summary": "All campaigns", "summary.raised": "Raised, confirmed on-chain", "summary.pending": "Pending",
      "summary.donations": "Donations", "summary.campaigns": "Campaigns",
      "campaigns.title": "Campaigns",
      "campaigns.note": "Confirmed totals count donations with enough blocks on top of them; pending ones may still be undone by a chain reorganisation. Hover an amount for its exact value.",
      "campaigns.loading": "Loading campaigns…", "campaigns.none": "No campaigns are configured.",
      "campaigns.failed": "Could not load the campaigns: {error}. Retrying…",
      "chains.title": "Chains", "chains.note": "How far givewatch has read each chain. Refreshed every few seconds.",
      "chains.loading": "Loading chain status…", "chains.none": "No chains are configured.",
      "chains.failed": "Could not load chain status: {error}",
      "chain.aria": "{chain} sync state", "chain.id": "chain id {id}", "chain.progress": "Indexed share of the chain",
      "chain.unknown": "Waiting for the chain", "chain.down": "No healthy endpoint", "chain.syncing": "Catching up",
      "chain.synced": "In sync", "chain.indexed": "Indexed", "chain.head": "Head", "chain.confirmed": "Confirmed",
      "chain.behind": "Behind", "chain.behind.title": { one: "{n} block behind the head", other: "{n} blocks behind the head" },
      "chain.endpoints": "RPC endpoints", "endpoint.healthy": "healthy", "endpoint.unhealthy": "unhealthy",
      "embed.title": "Show a live total on your site",
      "embed.script": "Add one line where the box should appear (several on one page are fine):",
      "embed.iframe": "Or, where your site does not allow scripts from other origins, an iframe:",
      "footer.html": "Every figure on this page is read from the chains' own logs by <strong>givewatch</strong>: nobody reports it by hand. Amounts are exact; the <a href=\"/openapi.json\">JSON API</a> serves the same numbers.",
      "footer.signed.html": "Each campaign's confirmed totals are also served signed (<code>/v1/campaigns/<var>id</var>/attestation</code>) by the key <code id=\"signer\" class=\"mono\"></code>: <code>ethers.verifyMessage(message, signature)</code> returns that address.",
      "live.title": "Live updates", "live.open": "Live", "live.error": "Reconnecting", "live.connecting": "Connecting",
      "connection.open": "Live", "connection.error": "Reconnecting…", "connection.connecting": "Connecting…",
      "card.raised": "Raised · confirmed", "card.pending": "Pending", "card.donations": "Confirmed donations",
      "card.donors": "Donors", "card.last": "Last gift", "card.by_token": "By chain and token", "col.chain": "Chain",
      "col.token": "Token", "col.confirmed": "Confirmed", "col.pending": "Pending", "col.gifts": "Gifts",
      "card.latest": "Latest donations", "card.latest.aria": "Latest donations, newest first",
      "card.empty": "No donations yet.", "card.addresses": "Donation addresses",
      "card.donations.failed": "Could not load donations: {error}",
      "awaiting": { zero: "nothing awaiting confirmation", one: "{n} donation awaiting confirmation", other: "{n} donations awaiting confirmation" },
      "announce": "New donation to {campaign}: {amount} {token} on {chain}, pending confirmation.",
      "status.confirmed": "Confirmed", "status.pending": "Pending", "status.removed": "Undone by a chain reorganisation",
      "depth.title": "{on} of {of} blocks on top of it; confirmed at {of}",
      "finality.title": "Confirmed once the chain marks its block {finality}",
      "from": "from", "tx.title": "Transaction {hash} (block {block})", "tx.aria": "Transaction {hash} on the block explorer",
      "exactly": "exactly {value}", "just_now": "just now",
      "widget.aria": "Donations, verified on-chain", "widget.aria.named": "Donations to {name}, verified on-chain",
      "widget.caption": "raised in stablecoins, confirmed on-chain", "widget.pending": "pending",
      "widget.donors": { one: "donor", other: "donors" }, "widget.verified": "Verified on-chain by givewatch",
      "widget.live": "Live", "widget.polling": "Updated", "widget.offline": "Offline", "widget.connecting": "Connecting",
      "receipt.title": "Your donation", "receipt.thanks": "Thank you for your donation",
      "receipt.loading": "Looking for the transaction…", "receipt.dashboard": "All campaigns",
      "receipt.campaign": "Campaign", "receipt.amount": "Amount", "receipt.chain": "Chain", "receipt.time": "Time",
      "receipt.from": "From", "receipt.block": "Block", "receipt.status": "Status",
      "receipt.pending": "Waiting for confirmation: {on} of {of} blocks",
      "receipt.pending.finality": "Waiting for confirmation: the chain has not marked the block {finality} yet",
      "receipt.confirmed": "Confirmed", "receipt.removed": "Undone by a chain reorganisation: the block holding it is no longer part of the chain. If the transaction is included again, this page shows it.",
      "receipt.explorer": "See it on the block explorer", "receipt.live": "This page updates by itself.",
      "receipt.unknown": "givewatch has no donation to a campaign in transaction {hash} on {chain}.",
      "receipt.unknown.hint": "If you have just sent it, keep this page open: it shows the donation as soon as it is in a block. Otherwise check the chain and the transaction hash.",
      "receipt.bad_hash": "“{hash}” is not a transaction hash (0x and 64 hexadecimal digits).",
      "receipt.bad_chain": "givewatch does not watch a chain called “{chain}”. It watches: {chains}.",
      "receipt.failed": "Could not ask givewatch about the transaction: {error}",
      "verify.title": "Verify it yourself",
      "verify.text": "You do not have to take this page's word for it. The explorer link shows the same transfer on a site givewatch does not run. The proof holds the block header and the transaction's receipt with the path to it in the block's receipts tree, so anyone can check with a node of their own that the transfer is in that block. The attestation is the campaign's confirmed total, signed by this server's key: ethers.verifyMessage(message, signature) must return the signer's address. The guide for auditors (docs/auditing.md in the givewatch source) walks through each check with curl and node.",
      "verify.proof": "Download the proof (JSON)", "verify.proof.none": "Proof not available for transactions on {chain}.",
      "verify.attestation": "Signed totals of {campaign} (JSON)", "verify.signer": "signed by {signer}",
      "verify.attestation.none": "This server does not sign its totals.",
      "lang.switch": "Language",
    },
    ru: {
      "page.title": "givewatch — пожертвования правозащитным кампаниям, проверенные в блокчейне",
      "skip": "К кампаниям",
      "tagline": "Пожертвования правозащитным кампаниям в стейблкоинах, подсчитанные прямо по блокчейну",
      "summary": "Все кампании", "summary.raised": "Собрано, подтверждено в блокчейне", "summary.pending": "Ожидает подтверждения",
      "summary.donations": "Пожертвования", "summary.campaigns": "Кампании",
      "campaigns.title": "Кампании",
      "campaigns.note": "Подтверждённые суммы включают пожертвования, поверх которых уже достаточно блоков; ожидающие подтверждения ещё может отменить реорганизация цепочки. Наведите курсор на сумму, чтобы увидеть её точное значение.",
      "campaigns.loading": "Загружаем кампании…", "campaigns.none": "Ни одна кампания не настроена.",
      "campaigns.failed": "Не удалось загрузить кампании: {error}. Пробуем снова…",
      "chains.title": "Блокчейны", "chains.note": "Докуда givewatch прочитал каждый блокчейн. Обновляется каждые несколько секунд.",
      "chains.loading": "Загружаем состояние блокчейнов…", "chains.none": "Ни один блокчейн не настроен.",
      "chains.failed": "Не удалось загрузить состояние блокчейнов: {error}",
      "chain.aria": "Синхронизация {chain}", "chain.id": "ID цепочки {id}", "chain.progress": "Доля прочитанных блоков",
      "chain.unknown": "Ждём блокчейн", "chain.down": "Нет исправного узла", "chain.syncing": "Догоняет",
      "chain.synced": "Синхронизирован", "chain.indexed": "Прочитан", "chain.head": "Последний", "chain.confirmed": "Подтверждён",
      "chain.behind": "Отставание",
      "chain.behind.title": { one: "на {n} блок позади последнего", few: "на {n} блока позади последнего", many: "на {n} блоков позади последнего", other: "на {n} блока позади последнего" },
      "chain.endpoints": "RPC-узлы", "endpoint.healthy": "исправен", "endpoint.unhealthy": "неисправен",
      "embed.title": "Живая сумма на вашем сайте",
      "embed.script": "Добавьте одну строку туда, где должен появиться блок (можно несколько на одной странице):",
      "embed.iframe": "Или, если ваш сайт не разрешает скрипты с других доменов, — iframe:",
      "footer.html": "Каждая цифра на этой странице прочитана <strong>givewatch</strong> из журналов самих блокчейнов: никто не вносит её вручную. Суммы точные; те же числа отдаёт <a href=\"/openapi.json\">JSON API</a>.",
      "footer.signed.html": "Подтверждённые суммы каждой кампании также доступны с подписью (<code>/v1/campaigns/<var>id</var>/attestation</code>) ключом <code id=\"signer\" class=\"mono\"></code>: <code>ethers.verifyMessage(message, signature)</code> возвращает этот адрес.",
      "live.title": "Обновления в реальном времени", "live.open": "Онлайн", "live.error": "Переподключение", "live.connecting": "Подключение",
      "connection.open": "Онлайн", "connection.error": "Переподключение…", "connection.connecting": "Подключение…",
      "card.raised": "Собрано · подтверждено", "card.pending": "Ожидает подтверждения", "card.donations": "Подтверждённых пожертвований",
      "card.donors": "Жертвователей", "card.last": "Последнее", "card.by_token": "По блокчейнам и токенам", "col.chain": "Блокчейн",
      "col.token": "Токен", "col.confirmed": "Подтверждено", "col.pending": "Ожидает", "col.gifts": "Пожертвований",
      "card.latest": "Последние пожертвования", "card.latest.aria": "Последние пожертвования, новые сверху",
      "card.empty": "Пожертвований пока нет.", "card.addresses": "Адреса для пожертвований",
      "card.donations.failed": "Не удалось загрузить пожертвования: {error}",
      "awaiting": { zero: "ничего не ожидает подтверждения", one: "{n} пожертвование ожидает подтверждения", few: "{n} пожертвования ожидают подтверждения", many: "{n} пожертвований ожидают подтверждения", other: "{n} пожертвования ожидают подтверждения" },
      "announce": "Новое пожертвование в кампанию {campaign}: {amount} {token} в {chain}, ожидает подтверждения.",
      "status.confirmed": "Подтверждено", "status.pending": "Ожидает подтверждения", "status.removed": "Отменено реорганизацией цепочки",
      "depth.title": "Поверх него {on} из {of} блоков; подтверждается при {of}",
      "finality.title": "Подтверждается, когда блокчейн отметит его блок как {finality}",
      "from": "от", "tx.title": "Транзакция {hash} (блок {block})", "tx.aria": "Транзакция {hash} в обозревателе блоков",
      "exactly": "точно {value}", "just_now": "только что",
      "widget.aria": "Пожертвования, проверенные в блокчейне", "widget.aria.named": "Пожертвования в кампанию {name}, проверенные в блокчейне",
      "widget.caption": "собрано в стейблкоинах, подтверждено в блокчейне", "widget.pending": "ожидает подтверждения",
      "widget.donors": { one: "жертвователь", few: "жертвователя", many: "жертвователей", other: "жертвователя" },
      "widget.verified": "Проверено в блокчейне с помощью givewatch",
      "widget.live": "Онлайн", "widget.polling": "Обновлено", "widget.offline": "Нет связи", "widget.connecting": "Подключение",
      "receipt.title": "Ваше пожертвование", "receipt.thanks": "Спасибо за ваше пожертвование",
      "receipt.loading": "Ищем транзакцию…", "receipt.dashboard": "Все кампании",
      "receipt.campaign": "Кампания", "receipt.amount": "Сумма", "receipt.chain": "Блокчейн", "receipt.time": "Время",
      "receipt.from": "Отправитель", "receipt.block": "Блок", "receipt.status": "Статус",
      "receipt.pending": "Ожидает подтверждения: {on} из {of} блоков",
      "receipt.pending.finality": "Ожидает подтверждения: блокчейн ещё не отметил блок как {finality}",
      "receipt.confirmed": "Подтверждено", "receipt.removed": "Отменено реорганизацией цепочки: блок с этой транзакцией больше не входит в цепочку. Если транзакцию снова включат в блок, эта страница её покажет.",
      "receipt.explorer": "Посмотреть в обозревателе блоков", "receipt.live": "Страница обновляется сама.",
      "receipt.unknown": "У givewatch нет пожертвования в кампанию в транзакции {hash} в блокчейне {chain}.",
      "receipt.unknown.hint": "Если вы только что её отправили, не закрывайте страницу: пожертвование появится, как только транзакция попадёт в блок. Иначе проверьте блокчейн и хеш транзакции.",
      "receipt.bad_hash": "«{hash}» — не хеш транзакции (0x и 64 шестнадцатеричные цифры).",
      "receipt.bad_chain": "givewatch не следит за блокчейном «{chain}». Он следит за: {chains}.",
      "receipt.failed": "Не удалось узнать у givewatch о транзакции: {error}",
      "verify.title": "Проверьте сами",
      "verify.text": "Этой странице не обязательно верить на слово. Ссылка на обозреватель блоков показывает тот же перевод на сайте, который givewatch не контролирует. Доказательство содержит заголовок блока и квитанцию транзакции с путём к ней в дереве квитанций блока, так что любой может проверить на собственном узле, что перевод есть в этом блоке. Аттестация — подтверждённая сумма кампании, подписанная ключом этого сервера: ethers.verifyMessage(message, signature) должна вернуть адрес подписавшего. Руководство для аудиторов (docs/auditing.md в исходном коде givewatch) проводит через каждую проверку с помощью curl и node.",
      "verify.proof": "Скачать доказательство (JSON)", "verify.proof.none": "Доказательство для транзакций в блокчейне {chain} недоступно.",
      "verify.attestation": "Подписанные суммы кампании {campaign} (JSON)", "verify.signer": "подписано ключом {signer}",
      "verify.attestation.none": "Этот сервер не подписывает суммы.",
      "lang.switch": "Язык",
    },
  };

  /** The language of `explicit` (?lang=, data-lang) if givewatch speaks it, else the browser's, else English. */
  function pick(explicit) {
    const nav = typeof navigator === "undefined" ? [] : navigator.languages || [navigator.language];
    for (const wanted of [explicit, ...nav]) {
      const base = String(wanted || "").toLowerCase().split(/[-_]/)[0];
      if (LANGS.includes(base)) return base;
    }
    return "en";
  }

  /** The page's language: ?lang= on its URL, else the browser's. */
  function pageLang() {
    return pick(new URLSearchParams(location.search).get("lang"));
  }

  /** The text of `key` in `lang` with {name}s filled from `vars`; `count` (else {n}) chooses the plural form. */
  function t(lang, key, vars = {}) {
    let s = STRINGS[lang]?.[key] ?? STRINGS.en[key] ?? key;
    if (typeof s === "object") {
      const n = Number(vars.count ?? vars.n);
      s = (n === 0 && s.zero) || s[new Intl.PluralRules(lang).select(n)] || s.other;
    }
    return s.replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all));
  }

  /**
   * Fills the elements under `root` marked data-i18n (text), data-i18n-html (markup of this file) and
   * data-i18n-attr ("attr:key,..."), and puts the dollar signs where `lang` writes them.
   */
  function translate(root, lang) {
    for (const e of root.querySelectorAll("[data-i18n]")) e.textContent = t(lang, e.dataset.i18n);
    for (const e of root.querySelectorAll("[data-i18n-html]")) e.innerHTML = t(lang, e.dataset.i18nHtml);
    for (const e of root.querySelectorAll("[data-i18n-attr]")) {
      for (const pair of e.dataset.i18nAttr.split(",")) {
        const [attr, key] = pair.split(":");
        e.setAttribute(attr, t(lang, key));
      }
    }
    placeUsdSigns(root, lang);
  }

  /**
   * Each dollar sign under `root` (an element marked data-usd-sign, beside the amount: the element with
   * data-value in the same parent) before the amount ("$1,234.50") or after it, spaced ("1 234,50 $"),
   * as `lang` writes it. data-place tells the stylesheet which.
   */
  function placeUsdSigns(root, lang) {
    const after = (NUMBERS[lang] || NUMBERS.en).usdAfter;
    for (const sign of root.querySelectorAll("[data-usd-sign]")) {
      const amount = sign.parentNode.querySelector("[data-value]");
      if (!amount) continue;
      sign.textContent = after ? "\u00a0$" : "$";
      sign.dataset.place = after ? "after" : "before";
      if (after) amount.after(sign); else amount.before(sign);
    }
  }

  /** {neg, int, frac} of a decimal string ("12", "0.5", "-3.25"), or null. */
  function parseDecimal(text) {
    const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(text ?? "").trim());
    if (!m) return null;
    return { neg: m[1] === "-", int: m[2].replace(/^0+(?=\d)/, ""), frac: (m[3] || "").replace(/0+$/, "") };
  }

  /** int.frac rounded half-up to `digits` fraction digits (digit strings, exact). */
  function roundDecimal(d, digits) {
    if (d.frac.length <= digits) return { neg: d.neg, int: d.int, frac: d.frac.padEnd(digits, "0") };
    let scaled = BigInt(d.int + d.frac.slice(0, digits));
    if (d.frac.charCodeAt(digits) >= 53 /* '5' */) scaled += 1n;
    const s = scaled.toString().padStart(digits + 1, "0");
    return { neg: d.neg, int: s.slice(0, s.length - digits), frac: s.slice(s.length - digits) };
  }

  function groupThousands(int, lang) {
    return int.replace(/\B(?=(\d{3})+(?!\d))/g, (NUMBERS[lang] || NUMBERS.en).group);
  }

  /**
   * A decimal string for display in `lang`: thousands grouped, `digits` fraction digits (en
   * "39,681.50", ru "39 681,50"), rounded half-up. A nonzero amount that would round to zero keeps two
   * significant digits instead ("0.000001"), so nothing nonzero ever shows as 0.00.
   */
  function formatDecimal(text, lang = "en", digits = 2) {
    const d = parseDecimal(text);
    if (!d) return text == null ? "—" : String(text);
    let r = roundDecimal(d, digits);
    const isZero = (x) => /^0*$/.test(x.int + x.frac);
    if (isZero(r) && !isZero(d)) {
      r = roundDecimal(d, d.frac.search(/[1-9]/) + 2);
      r.frac = r.frac.replace(/0+$/, "");
    }
    const sign = r.neg && !isZero(r) ? "-" : "";
    return sign + groupThousands(r.int, lang) + (r.frac ? (NUMBERS[lang] || NUMBERS.en).decimal + r.frac : "");
  }

  /** Exact sum of decimal strings. */
  function addDecimals(values) {
    const parsed = values.map(parseDecimal).filter(Boolean);
    const scale = Math.max(0, ...parsed.map((d) => d.frac.length));
    let sum = 0n;
    for (const d of parsed) sum += BigInt(d.int + d.frac.padEnd(scale, "0")) * (d.neg ? -1n : 1n);
    const neg = sum < 0n;
    const s = (neg ? -sum : sum).toString().padStart(scale + 1, "0");
    const frac = s.slice(s.length - scale).replace(/0+$/, "");
    return (neg ? "-" : "") + s.slice(0, s.length - scale) + (frac ? "." + frac : "");
  }

  /** Parts per thousand of `part` in `whole` (both decimal strings), as an integer 0..1000. */
  function permille(part, whole) {
    const p = parseDecimal(part), w = parseDecimal(whole);
    if (!p || !w) return 0;
    const scale = Math.max(p.frac.length, w.frac.length);
    const wi = BigInt(w.int + w.frac.padEnd(scale, "0"));
    return wi === 0n ? 0 : Number((BigInt(p.int + p.frac.padEnd(scale, "0")) * 1000n) / wi);
  }

  function formatCount(n, lang = "en") {
    return typeof n === "number" ? groupThousands(String(n), lang) : "—";
  }

  /** A moment as a date and time of day in `lang` ("3 December 2026 at 17:23 UTC"), in the reader's time zone. */
  function formatDate(unixSeconds, lang = "en") {
    return new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short",
    }).format(new Date(unixSeconds * 1000));
  }

  /** How long ago `unixSeconds` was, in `lang` ("5 minutes ago", "5 минут назад"). */
  function timeAgo(unixSeconds, lang = "en") {
    const diff = Math.round(Date.now() / 1000 - unixSeconds);
    if (diff < 45) return t(lang, "just_now");  // also block timestamps slightly ahead of this clock
    const steps = [[3600, "minute", 60], [86400, "hour", 3600], [86400 * 30, "day", 86400],
                   [86400 * 365, "month", 86400 * 30], [Infinity, "year", 86400 * 365]];
    const relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: "long" });
    for (const [limit, unit, size] of steps) {
      if (diff < limit) return relative.format(-Math.max(1, Math.round(diff / size)), unit);
    }
    return "";
  }

  const EXPLORERS = { 56: "https://bscscan.com", 1313161554: "https://explorer.aurora.dev", 42220: "https://celoscan.io" };
  const CHAIN_LABELS = { bsc: "BSC", aurora: "Aurora", celo: "Celo" };

  /** A chain's name as people write it ("BSC", "Celo"). */
  function chainLabel(name) {
    if (!name) return "?";
    return CHAIN_LABELS[name] || name.charAt(0).toUpperCase() + name.slice(1);
  }

  /** The block explorer of a chain: the configured one ([[chains]] explorer, in /v1/chains), else a well-known one. */
  function explorerOf(chainId, configured) {
    return configured || EXPLORERS[chainId] || null;
  }

  /** Links to this page in each language, the current one marked. */
  function switcher(lang) {
    const nav = document.createElement("nav");
    nav.className = "lang-switch";
    nav.setAttribute("aria-label", t(lang, "lang.switch"));
    for (const [code, name] of [["en", "English"], ["ru", "Русский"]]) {
      const url = new URL(location.href);
      url.searchParams.set("lang", code);
      const a = document.createElement("a");
      a.href = url.pathname + url.search + url.hash;
      a.lang = code;
      a.textContent = name;
      if (code === lang) a.setAttribute("aria-current", "true");
      nav.append(a);
    }
    return nav;
  }

  window.GivewatchI18n = Object.freeze({
    LANGS, pick, pageLang, t, translate, switcher, chainLabel, explorerOf,
    parseDecimal, formatDecimal, addDecimals, permille, formatCount, formatDate, timeAgo,
  });
})();
