// The screening card: opening a call in it (keeping unsaved edits of other cards as drafts), its
// header, flag and warnings, the caller's history, and keeping it up to date as pushes arrive.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {S, esc, fmt, $, $$, testId, state, F, FIELDS} = P;
  const form = testId("card-form");
  const cardEmpty = document.getElementById("card-empty");
  const cardOutcome = P.OutcomeForm(document.getElementById("card-outcome"), "card");
  let historyFor = null;

  function stashDraft() {
    const card = state.card;
    if (card && P.isDirty()) P.drafts.set(card.id, {base: card.base, values: P.formValues()});
    else if (card) P.drafts.delete(card.id);
  }

  P.openCard = function (id, focusForm) {
    if (!state.reference) { P.referenceReady.then(() => P.openCard(id, focusForm)); return; }
    const call = state.calls.get(id);
    if (state.card && state.card.id === id) {
      if (focusForm) focusFirstField(call);
      return;
    }
    stashDraft();
    state.selectedId = id;
    state.card = null;
    P.hideConflict();
    P.clearFieldErrors();
    P.hideInlinePrompts();
    if (!call) { renderCardShell(null); return; }
    const draft = P.drafts.get(id);
    state.card = {id, base: draft ? draft.base : P.baseOf(call), busy: false};
    P.fillForm(draft ? draft.values : state.card.base.values);
    P.drafts.delete(id);
    renderCardShell(call);
    if (draft && call.version !== state.card.base.version) P.merge(call);
    loadHistory(call);
    P.markSelection();
    if (focusForm) focusFirstField(call);
  };

  function focusFirstField(call) {
    if (!call || !P.EDITABLE.includes(call.state)) return;
    (call.name ? F.topic : F.name).focus();
  }

  P.markSelection = function () {
    $$("[data-call-id]").forEach((el) => {
      const on = Number(el.dataset.callId) === state.selectedId;
      el.classList.toggle("selected", on);
      if (el.classList.contains("pc-row")) el.classList.toggle("has-draft", P.drafts.has(Number(el.dataset.callId)));
      if (el.hasAttribute("aria-selected")) el.setAttribute("aria-selected", String(on));
    });
    P.renderNoteAbout(state.calls.get(state.selectedId));
  };

  // Everything on the card except the form values: header, flags, warnings, buttons.
  function renderCardShell(call) {
    form.hidden = !call;
    cardEmpty.hidden = Boolean(call);
    if (!call) {
      cardEmpty.textContent = state.selectedId ? S.call_gone : S.select_call;
      return;
    }
    const badge = $("#card-state");
    badge.textContent = P.stateName(call.state) + (call.state === "ready" ? " #" + P.queuePosition(call.id) : "");
    badge.className = "pc-state st-" + call.state;
    testId("card-phone").textContent = call.phone || "";
    $("#card-line").textContent = P.lineLabel(call);
    $("#card-ref").textContent = "#" + call.id;
    renderGeography(call);
    renderFlag(call);

    const editable = P.EDITABLE.includes(call.state);
    FIELDS.forEach((f) => { F[f].disabled = !editable; });
    const show = (testid, on) => { testId(testid).hidden = !on; };
    const showLive = P.isShowLive();
    show("card-answer", call.state === "ringing" && showLive);
    show("card-save", editable);
    show("card-ready", call.state === "screening" && showLive);
    show("card-reject", call.state === "screening" && showLive);
    show("card-abandon", ["ringing", "screening", "ready"].includes(call.state) && showLive);
    const reason = $("#card-rejection");
    reason.hidden = call.state !== "rejected";
    reason.textContent = call.state === "rejected" ? S.rejected_because + ": " + call.rejection_reason : "";
    form.classList.toggle("readonly", !editable);
    cardOutcome.show(P.AIRED.includes(call.state) ? call : null);
  }

  function renderGeography(call) {
    const geo = testId("card-geography");
    geo.textContent = P.placeOf(call) +
      (call.home_number === true ? " · " + S.local_number : call.home_number === false ? " · " + S.outside_number : "");
    geo.classList.toggle("warn", P.geoWarning(call));
    const warning = testId("card-geo-warning");
    warning.hidden = !P.geoWarning(call);
    if (call.town_mismatch) {
      warning.textContent = fmt(S.town_mismatch, {place: P.placeOf(call), town: P.townName(call)});
    } else if (call.from_elsewhere) {
      warning.textContent = fmt(S.from_elsewhere, {place: P.placeOf(call)});
    }
  }

  function renderFlag(call) {
    const box = testId("card-flag");
    const caller = call.caller || {flag: "none"};
    const badge = $("#card-flag-badge");
    badge.className = "pc-flag flag-" + caller.flag;
    badge.textContent = caller.flag === "none" ? S.no_flag : S.flags[caller.flag];
    $("#card-flag-reason").textContent = caller.flag !== "none" ? caller.flag_reason : "";
    box.classList.toggle("flagged", caller.flag !== "none");
    box.classList.toggle("banned", caller.flag === "banned");
    testId("flag-clear").hidden = caller.flag === "none";
    testId("flag-warning").hidden = caller.flag === "warning";
    testId("flag-banned").hidden = caller.flag === "banned";
    const earlier = caller.earlier_calls || 0;
    $("#card-caller-summary").textContent = fmt(S.caller_summary, {
      n: earlier, last: caller.last_aired_at ? P.timeOf(caller.last_aired_at, true) : S.never});
  }

  // A push arrived: bring the open card up to date without touching what the producer typed.
  P.reconcileCard = function () {
    if (state.selectedId == null) return;
    const call = state.calls.get(state.selectedId);
    const card = state.card;
    if (!card) {
      if (call) openCardAgain(call);
      else renderCardShell(null);
      return;
    }
    if (!call) { renderCardShell(null); return; }
    renderCardShell(call);
    if (card.busy) return;            // our own save is in flight; its answer reconciles
    if (!P.isDirty()) {
      card.base = P.baseOf(call);
      P.fillForm(card.base.values);
    } else if (call.version !== card.base.version) {
      P.merge(call);
    }
  };

  function openCardAgain(call) {
    const id = call.id;
    state.selectedId = null;
    P.openCard(id);
  }

  // ---------------------------------------------------------------- caller history
  function historyTable(rows) {
    return "<table><thead><tr><th>" + esc(S.h_date) + "</th><th>" + esc(S.h_department) +
      "</th><th>" + esc(S.h_topic) + "</th><th>" + esc(S.h_result) + "</th></tr></thead><tbody>" +
      rows.map((c) => "<tr><td>" + esc(P.timeOf(c.date, true)) + "</td><td>" + esc(c.department || c.show_title) +
        '</td><td title="' + esc(c.topic) + '">' + esc(c.topic || "—") + "</td><td>" +
        esc(c.outcome ? S.outcomes[c.outcome] + (c.commitment_days ? " " + fmt(S.days_n, {n: c.commitment_days}) : "")
          : P.stateName(c.state)) + "</td></tr>").join("") + "</tbody></table>";
  }

  function loadHistory(call) {
    const box = testId("card-history");
    const callerId = call.caller && call.caller.id;
    if (!callerId) { box.innerHTML = ""; return; }
    historyFor = callerId;
    box.innerHTML = '<p class="pc-muted">' + esc(S.loading) + "</p>";
    CallinApi.get("/callers/" + callerId + "/history").then((data) => {
      if (historyFor !== callerId) return;
      const rows = data.calls.filter((c) => c.id !== call.id);
      box.innerHTML = rows.length ? historyTable(rows) : '<p class="pc-muted">' + esc(S.no_history) + "</p>";
    }).catch((error) => {
      if (historyFor === callerId) box.innerHTML = '<p class="pc-error">' + esc(error.message) + "</p>";
    });
  }
})();
