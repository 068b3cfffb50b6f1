// Problems shown next to the card's fields: the server's field errors, and conflicts when someone
// else saved the same card (their value beside the producer's, with a button to take it).
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {S, fmt, $, $$, testId, state, F, FIELDS} = P;
  const form = testId("card-form");
  const conflictBox = testId("conflict-message");

  P.clearFieldErrors = function () {
    $$("[data-error-for]", form).forEach((el) => { el.textContent = ""; });
    FIELDS.forEach((f) => F[f].removeAttribute("aria-invalid"));
  };

  P.showFieldErrors = function (fields) {
    let first = null;
    Object.entries(fields || {}).forEach(([field, problem]) => {
      const slot = $('[data-error-for="' + field + '"]', form);
      if (slot) slot.textContent = problem;
      if (F[field]) {
        F[field].setAttribute("aria-invalid", "true");
        first = first || F[field];
      }
    });
    if (first) first.focus();
  };

  function clearTheirs() {
    $$("[data-theirs-for]", form).forEach((el) => { el.hidden = true; el.replaceChildren(); });
  }

  function showConflict(message, fields, theirs) {
    conflictBox.hidden = false;
    $(".pc-conflict-text", conflictBox).textContent = message;
    clearTheirs();
    fields.forEach((field) => {
      const slot = $('[data-theirs-for="' + field + '"]', form);
      if (!slot) return;
      const text = document.createElement("span");
      text.textContent = fmt(S.their_value, {value: P.labelOf(field, theirs)});
      const use = document.createElement("button");
      use.type = "button";
      use.className = "link";
      use.textContent = S.use_theirs;
      use.addEventListener("click", () => { P.setField(field, theirs[field]); slot.hidden = true; });
      slot.append(text, " ", use);
      slot.hidden = false;
    });
  }

  P.hideConflict = function () {
    conflictBox.hidden = true;
    clearTheirs();
  };
  $(".pc-conflict-close", conflictBox).addEventListener("click", P.hideConflict);

  // Someone else saved this card: take their change where the producer did not type, keep the
  // producer's text where they did, and show their value beside every field both changed.
  P.merge = function (call, message) {
    const mine = P.formValues();
    const old = state.card.base.values;
    const theirs = P.valuesOf(call);
    const clashes = [];
    let changedByThem = false;
    FIELDS.forEach((f) => {
      if (P.same(theirs[f], old[f])) return;
      changedByThem = true;
      if (P.same(mine[f], old[f])) P.setField(f, theirs[f]);
      else if (!P.same(mine[f], theirs[f])) clashes.push(f);
    });
    state.card.base = {version: call.version, values: theirs};
    if (message || changedByThem) showConflict(message || S.changed_by_someone, clashes, theirs);
  };

  // Our write was refused as stale: fetch the latest card and merge it into what the producer typed.
  P.mergeAfterStale = function (id, error) {
    return P.refetch().then(() => {
      const call = state.calls.get(id);
      if (state.card && state.card.id === id && call) P.merge(call, error.message + " " + S.conflict_kept);
    });
  };
})();
