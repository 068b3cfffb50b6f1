// The on-air panel (the call on air, or the last one aired) and the small outcome form used there
// and in the card.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {S, esc, fmt, $, $$, testId, state} = P;
  const onAirBox = testId("on-air");

  function limitOf(call) {
    return call.airtime_limit_s || (state.live && state.live.show.airtime_limit_s) || 0;
  }

  function onAirHtml(current) {
    return '<div class="pc-onair-call" data-call-id="' + current.id + '" data-testid="call-row-' +
      current.id + '" tabindex="0">' +
      '<div class="pc-onair-top"><span class="pc-name">' + esc(current.name || S.no_name) + "</span>" +
      '<span class="pc-town">' + esc(P.townName(current)) + "</span>" +
      '<span class="pc-timer air" data-since="' + esc(current.on_air_at) + '" data-limit="' + limitOf(current) + '"></span></div>' +
      '<div class="pc-onair-topic">' + esc(current.topic) + "</div>" +
      (current.host_note ? '<div class="pc-hostnote">' + esc(S.host_note) + ": " + esc(current.host_note) + "</div>" : "") +
      "</div>";
  }

  function lastAiredHtml(last) {
    return '<div class="pc-onair-last" data-call-id="' + last.id + '" tabindex="0">' +
      esc(fmt(S.last_call, {name: P.callerName(last), time: P.timeOf(last.ended_at)})) +
      ' <span class="pc-topic">' + esc(last.topic) + "</span></div>";
  }

  P.renderOnAir = function () {
    const current = P.callsIn("on_air")[0];
    const box = document.getElementById("on-air-call");
    onAirBox.classList.toggle("is-live", Boolean(current));
    const target = current || P.callsIn("done", "dropped").sort(P.newestFirst)[0];
    const html = current ? onAirHtml(current)
      : '<p class="pc-muted">' + esc(S.nothing_on_air) + "</p>" + (target ? lastAiredHtml(target) : "");
    if (box.renderedHtml !== html) {
      box.innerHTML = html;
      box.renderedHtml = html;
    }
    onAirOutcome.show(target || null);
    P.tick();
  };

  // ---------------------------------------------------------------- outcome forms
  // One small form for what came of an aired call; used in the on-air panel and in the card.
  P.OutcomeForm = function (container, prefix) {
    const node = document.getElementById("outcome-template").content.firstElementChild.cloneNode(true);
    container.appendChild(node);
    const radios = $$("input[type=radio]", node);
    radios.forEach((radio) => {
      radio.name = prefix + "-outcome";
      radio.dataset.testid = prefix + "-outcome-" + radio.value;
    });
    const days = $("[data-role=days]", node);
    const note = $("[data-role=note]", node);
    const save = $("[data-role=save]", node);
    const notice = $("[data-role=notice]", node);
    const error = $("[data-role=error]", node);
    days.dataset.testid = prefix + "-outcome-days";
    note.dataset.testid = prefix + "-outcome-note";
    save.dataset.testid = prefix + "-outcome-save";
    let call = null;
    let base = null;   // {version, values}

    const valuesOf = (c) => ({outcome: c.outcome || "", days: c.commitment_days ? String(c.commitment_days) : "",
                              note: c.outcome_note || ""});
    const current = () => ({outcome: (radios.find((r) => r.checked) || {}).value || "",
                            days: days.value.trim(), note: note.value});
    const dirty = () => base && JSON.stringify(current()) !== JSON.stringify(base.values);

    function fill(values) {
      radios.forEach((r) => { r.checked = r.value === values.outcome; });
      days.value = values.days;
      note.value = values.note;
      sync();
    }
    function sync() {
      days.closest("label").hidden = current().outcome !== "commitment";
    }

    node.addEventListener("change", sync);
    node.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!call) return;
      const value = current();
      error.textContent = "";
      const body = {outcome: value.outcome, note: value.note, version: base.version};
      if (value.outcome === "commitment") body.commitment_days = Number(value.days) || value.days;
      save.disabled = true;
      CallinApi.post("/calls/" + call.id + "/outcome", body)
        .then((data) => {
          base = {version: data.call.version, values: value};
          notice.hidden = true;
          P.flash(S.outcome_saved);
        })
        .catch((err) => {
          const problems = Object.values(err.fields || {}).join("; ");
          error.textContent = problems ? err.message + " (" + problems + ")" : err.message;
          if (err.code === "stale_version") P.refetch();
        })
        .finally(() => { save.disabled = false; });
    });

    return {
      show(next) {
        container.hidden = !next;
        if (!next) { call = null; base = null; return; }
        if (!call || call.id !== next.id) {
          call = next;
          base = {version: next.version, values: valuesOf(next)};
          fill(base.values);
          notice.hidden = true;
          error.textContent = "";
        } else if (next.version !== base.version) {
          const theirs = valuesOf(next);
          if (!dirty()) {
            fill(theirs);
          } else if (JSON.stringify(theirs) !== JSON.stringify(base.values)) {
            notice.textContent = fmt(S.outcome_changed, {outcome: S.outcomes[theirs.outcome] || "—"});
            notice.hidden = false;
          }
          base = {version: next.version, values: theirs};
          call = next;
        }
        $("[data-role=title]", node).textContent = next.state === "on_air" ? S.outcome_title
          : fmt(S.outcome_for, {name: P.callerName(next)});
      },
    };
  };

  const onAirOutcome = P.OutcomeForm(document.getElementById("on-air-outcome"), "onair");
})();
