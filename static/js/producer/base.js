// The producer's screening console: incoming calls, the screening card, the queue, on air, notes.
// The live state arrives through CallinLive.watchShow; every write goes through CallinApi and the
// server's push brings the result back. Lists are re-rendered from the state; the card form is
// static DOM so a push never destroys what the producer is typing.
//
// The console is split into plain scripts that share one namespace, window.CallinProducer, and are
// loaded in order by templates/producers/console.html; this one comes first: strings, helpers, the
// shared state, messages, and the "go live" buttons (which also work when no show is live).
(function () {
  "use strict";

  const S = JSON.parse(document.getElementById("strings").textContent);
  const $ = (selector, scope) => (scope || document).querySelector(selector);
  const $$ = (selector, scope) => Array.from((scope || document).querySelectorAll(selector));
  const root = document.getElementById("console");

  const P = window.CallinProducer = {
    S,
    esc: CallinLive.escapeHtml,
    clock: CallinLive.clock,
    since: CallinLive.secondsSince,
    $,
    $$,
    testId: (id) => $('[data-testid="' + id + '"]'),
    fmt: (text, values) => String(text).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m)),
    stateName: (name) => S.states[name] || name,
    FINISHED: ["done", "dropped", "abandoned", "rejected"],
    AIRED: ["on_air", "done", "dropped"],
    EDITABLE: ["ringing", "screening", "ready", "on_air", "done", "dropped"],
    root,                                   // null when no show is live: only go-live works then
    showId: root ? Number(root.dataset.showId) : null,
    state: {
      live: null,                 // the latest state from the server
      calls: new Map(),           // id -> call
      selectedId: null,
      reference: null,            // towns and categories for the card's lists
      firstState: true,
      card: null,                 // the open card: {id, base: {version, values}, busy}
      selectAfterPush: null,      // a call typed in by hand, to open once the push brings it
    },
    drafts: new Map(),            // call id -> {base, values}: unsaved edits of cards put aside
  };

  P.timeOf = function (iso, withDate) {
    if (!iso) return "";
    const options = {timeZone: "Asia/Shanghai", hour12: false};
    const date = new Date(iso);
    if (withDate) {
      return date.toLocaleDateString("zh-CN", {...options, year: "numeric", month: "2-digit", day: "2-digit"});
    }
    return date.toLocaleTimeString("zh-CN", {...options, hour: "2-digit", minute: "2-digit"});
  };

  P.isShowLive = () => Boolean(P.state.live && P.state.live.state === "live");
  P.callsIn = (...states) => Array.from(P.state.calls.values()).filter((c) => states.includes(c.state));
  P.callerName = (call) => call.name || call.phone;
  P.placeOf = (call) => call.geography || S.unknown_place;
  P.townName = (call) => (call.town ? call.town.name : "");
  P.newestFirst = (a, b) => Date.parse(b.ended_at || 0) - Date.parse(a.ended_at || 0) || b.id - a.id;

  // ---------------------------------------------------------------- messages
  const messageBox = document.getElementById("console-message");
  let messageTimer = null;

  P.flash = function (text, kind) {
    if (!messageBox) return;
    messageBox.className = "pc-message " + (kind || "info");
    $(".pc-message-text", messageBox).textContent = text;
    messageBox.hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => { messageBox.hidden = true; }, kind === "error" ? 15000 : 6000);
  };
  if (messageBox) $(".pc-message-close", messageBox).addEventListener("click", () => { messageBox.hidden = true; });

  P.failed = function (error) {
    P.flash((error && error.message) || S.failed, "error");
  };

  // ---------------------------------------------------------------- no live show: go live
  $$("[data-start-show]").forEach((button) => button.addEventListener("click", () => {
    button.disabled = true;
    CallinApi.post("/shows/" + button.dataset.startShow + "/start")
      .then(() => { window.location.href = button.dataset.next || window.location.pathname; })
      .catch((error) => { button.disabled = false; P.failed(error); });
  }));
})();
