// The call lists: ringing, screening and finished rows (and the row pieces the queue shares),
// keeping a list in step with the state, moving through rows with the keyboard, picking up,
// marking a call hung up, and typing a caller in by phone number.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {S, esc, fmt, $, $$, testId, showId, state} = P;
  const baseTitle = document.title;
  const seenRinging = new Set();
  const flashUntil = new Map();   // ringing call id -> time until which it flashes as new

  // ---------------------------------------------------------------- call rows
  P.flagBadge = function (caller) {
    if (!caller || caller.flag === "none") return "";
    return '<span class="pc-flag flag-' + esc(caller.flag) + '" title="' + esc(caller.flag_reason) + '">' +
      esc(S.flags[caller.flag] || caller.flag) + "</span>";
  };

  P.geoWarning = (call) => call.town_mismatch || call.from_elsewhere;

  function geoHtml(call) {
    const warn = P.geoWarning(call);
    return '<span class="pc-geo' + (warn ? " warn" : "") + '" title="' + esc(warn ? S.geo_warning_short : "") + '">' +
      (warn ? "⚠ " : "") + esc(P.placeOf(call)) + "</span>";
  }

  function earlierHtml(call) {
    const n = call.caller ? call.caller.earlier_calls : 0;
    return n ? '<span class="pc-earlier" title="' + esc(S.earlier_calls) + '">' + esc(fmt(S.earlier_n, {n})) + "</span>" : "";
  }

  P.rowAttrs = function (call, testid, extraClass) {
    const classes = ["pc-row", "state-" + call.state, extraClass || ""];
    if (call.id === state.selectedId) classes.push("selected");
    if (P.drafts.has(call.id)) classes.push("has-draft");
    if (call.urgency === "urgent") classes.push("urgent");
    return 'class="' + classes.join(" ") + '" data-call-id="' + call.id + '" data-testid="' + testid +
      '" tabindex="0" aria-selected="' + (call.id === state.selectedId) + '"';
  };

  P.lineLabel = function (call) {
    return call.line ? fmt(S.line_n, {n: call.line}) : (S.sources[call.source] || call.source);
  };

  function ringingRow(call) {
    if (!state.firstState && !seenRinging.has(call.id)) flashUntil.set(call.id, Date.now() + 3000);
    const isNew = (flashUntil.get(call.id) || 0) > Date.now();
    return "<li " + P.rowAttrs(call, "call-row-" + call.id, isNew ? "is-new" : "") + ">" +
      '<div class="pc-row-main"><span class="pc-line">' + esc(P.lineLabel(call)) + "</span>" +
      '<span class="pc-phone">' + esc(call.phone) + "</span>" +
      '<span class="pc-timer ring" data-since="' + esc(call.ringing_at) + '"></span></div>' +
      '<div class="pc-row-sub">' + geoHtml(call) + P.flagBadge(call.caller) + earlierHtml(call) + "</div>" +
      '<div class="pc-row-actions">' +
      '<button type="button" class="primary" data-act="answer" data-testid="pick-up-' + call.id + '">' + esc(S.pick_up) + "</button>" +
      '<button type="button" data-act="abandon" data-testid="abandon-' + call.id + '">' + esc(S.hung_up) + "</button></div></li>";
  }

  function screeningRow(call) {
    return "<li " + P.rowAttrs(call, "call-row-" + call.id) + ">" +
      '<div class="pc-row-main"><span class="pc-line">' + esc(P.lineLabel(call)) + "</span>" +
      '<span class="pc-name">' + esc(P.callerName(call)) + "</span>" +
      '<span class="pc-timer" data-since="' + esc(call.screening_at || call.ringing_at) + '"></span></div>' +
      '<div class="pc-row-sub"><span class="pc-topic">' + esc(call.topic || S.no_topic) + "</span>" +
      (P.geoWarning(call) ? geoHtml(call) : "") + P.flagBadge(call.caller) + "</div></li>";
  }

  function finishedRow(call) {
    const aired = call.state === "done" || call.state === "dropped";
    const result = call.state === "rejected" ? call.rejection_reason
      : call.outcome ? S.outcomes[call.outcome] : aired ? S.no_outcome : "";
    return "<li " + P.rowAttrs(call, "call-row-" + call.id, "compact") + ">" +
      '<div class="pc-row-main"><span class="pc-state st-' + esc(call.state) + '">' + esc(P.stateName(call.state)) + "</span>" +
      '<span class="pc-name">' + esc(P.callerName(call)) + "</span>" +
      '<span class="pc-when">' + esc(P.timeOf(call.ended_at)) + "</span></div>" +
      '<div class="pc-row-sub"><span class="pc-topic" title="' + esc(call.topic) + '">' + esc(call.topic || "—") + "</span>" +
      (result ? '<span class="pc-result' + (aired && !call.outcome ? " missing" : "") + '" title="' + esc(result) + '">' +
        esc(result) + "</span>" : "") + "</div></li>";
  }

  // ---------------------------------------------------------------- lists
  // Bring a list in line with `rows` (HTML strings, one per call). A row whose HTML did not change
  // keeps its element, so a push never steals focus or swallows a click on a row that stayed.
  const rowTemplate = document.createElement("template");

  P.replaceList = function (list, rows, emptyText) {
    const active = document.activeElement;
    const focusId = active && list.contains(active) ? active.dataset.testid : null;
    if (!rows.length) rows = ['<li class="pc-empty">' + esc(emptyText) + "</li>"];
    const old = new Map();
    Array.from(list.children).forEach((el) => old.set(el.dataset.callId || "empty", el));
    rows.forEach((html, index) => {
      rowTemplate.innerHTML = html.trim();
      const fresh = rowTemplate.content.firstElementChild;
      const key = fresh.dataset.callId || "empty";
      let el = old.get(key);
      if (!el || el.rowHtml !== html) {
        el = fresh;
        el.rowHtml = html;
        const previous = old.get(key);
        if (previous) previous.remove();
      }
      old.delete(key);
      if (list.children[index] !== el) list.insertBefore(el, list.children[index] || null);
    });
    old.forEach((el) => el.remove());
    if (focusId && !list.contains(document.activeElement)) {
      const again = $('[data-testid="' + focusId + '"]', list);
      if (again) again.focus();
    }
  };

  function byTime(field) {
    return (a, b) => (Date.parse(a[field] || 0) - Date.parse(b[field] || 0)) || a.id - b.id;
  }

  P.renderLists = function () {
    const ringing = P.callsIn("ringing").sort(byTime("ringing_at"));
    const screening = P.callsIn("screening").sort(byTime("screening_at"));
    const finished = P.callsIn(...P.FINISHED).sort(P.newestFirst);

    P.replaceList(testId("incoming-list"), ringing.map(ringingRow), S.no_ringing);
    ringing.forEach((c) => seenRinging.add(c.id));
    const ringCount = document.getElementById("ringing-count");
    ringCount.textContent = ringing.length;
    ringCount.classList.toggle("ringing", ringing.length > 0);
    document.title = (ringing.length ? "(" + ringing.length + ") " : "") + baseTitle;

    P.replaceList(testId("screening-list"), screening.map(screeningRow), S.no_screening);
    document.getElementById("screening-count").textContent = screening.length;
    P.replaceList(testId("finished-list"), finished.map(finishedRow), S.no_finished);
    document.getElementById("finished-count").textContent = finished.length;
    P.renderQueue();
    P.renderOnAir();
    P.tick();
  };

  // ---------------------------------------------------------------- list interaction
  function focusSibling(row, delta) {
    const list = row.parentElement;
    const rows = $$(":scope > [tabindex]", list);
    const next = rows[rows.indexOf(row) + delta];
    if (next) next.focus();
  }

  function onListClick(event) {
    const action = event.target.closest("[data-act]");
    const row = event.target.closest("[data-call-id]");
    if (!row) return;
    const id = Number(row.dataset.callId);
    if (action) {
      event.stopPropagation();
      if (action.dataset.act === "answer") P.pickUp(id);
      if (action.dataset.act === "abandon") P.abandon(id);
      return;
    }
    P.openCard(id);
  }

  function onListKey(event) {
    const row = event.target.closest("[tabindex][data-call-id]");
    if (!row || event.target !== row) return;
    const id = Number(row.dataset.callId);
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      if (row.classList.contains("pc-qrow")) {
        event.preventDefault();
        P.moveInQueue(id, event.key === "ArrowUp" ? -1 : 1);
      }
      return;
    }
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      focusSibling(row, event.key === "ArrowUp" ? -1 : 1);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      P.openCard(id, true);
    }
  }

  $$("[data-call-list]").forEach((list) => {
    list.addEventListener("click", onListClick);
    list.addEventListener("keydown", onListKey);
  });

  P.pickUp = function (id) {
    CallinApi.post("/calls/" + id + "/answer")
      .then(() => P.openCard(id, true))
      .catch(P.failed);
  };

  P.abandon = function (id) {
    CallinApi.post("/calls/" + id + "/abandon")
      .then(() => P.flash(S.marked_hung_up))
      .catch(P.failed);
  };

  // ---------------------------------------------------------------- manual call
  document.getElementById("manual-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const phone = testId("manual-phone").value.trim();
    if (!phone) return;
    CallinApi.post("/shows/" + showId + "/calls", {phone})
      .then((data) => {
        testId("manual-phone").value = "";
        if (state.calls.has(data.call.id)) {
          P.openCard(data.call.id, true);  // the push came first: open now, nothing to wait for
        } else {
          state.selectAfterPush = data.call.id;
        }
      })
      .catch(P.failed);
  });
})();
