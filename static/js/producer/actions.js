// What the producer does from the card: save it, make the call ready for air, pick up, mark it
// hung up, screen it out with a reason, and warn, ban or clear the caller.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {S, $, $$, testId, state} = P;
  const form = testId("card-form");

  // The card's own write is over: let the pushes that arrived meanwhile update it.
  function releaseCard(id) {
    if (state.card && state.card.id === id) { state.card.busy = false; P.reconcileCard(); }
  }

  function save() {
    const card = state.card;
    if (!card) return Promise.resolve(null);
    const id = card.id;
    const values = P.formValues();
    P.clearFieldErrors();
    card.busy = true;
    return CallinApi.patch("/calls/" + id, {...P.payload(values), version: card.base.version})
      .then((data) => {
        if (state.card && state.card.id === id) {
          state.card.base = {version: data.call.version, values};
          P.hideConflict();
        }
        return data.call;
      })
      .catch((error) => {
        if (error.code === "stale_version") {
          return P.mergeAfterStale(id, error).then(() => { throw error; });
        }
        P.showFieldErrors(error.fields);
        throw error;
      })
      .finally(() => releaseCard(id));
  }

  // Run a card action with its button disabled; a conflict is explained in the card itself.
  function withButton(button, work) {
    button.disabled = true;
    return work().catch((error) => {
      if (error.code !== "stale_version") P.flash(error.message, "error");
    }).finally(() => { button.disabled = false; });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!state.card || form.classList.contains("readonly")) return;
    withButton(testId("card-save"), () => save().then(() => P.flash(S.saved)));
  });

  testId("card-ready").addEventListener("click", () => {
    if (!state.card) return;
    const id = state.card.id;
    withButton(testId("card-ready"), async () => {
      const saved = P.isDirty() ? await save() : null;
      const version = saved ? saved.version : state.card.base.version;
      state.card.busy = true;
      try {
        const data = await CallinApi.post("/calls/" + id + "/ready", {version});
        if (state.card && state.card.id === id) state.card.base.version = data.call.version;
        P.flash(S.made_ready);
      } catch (error) {
        P.showFieldErrors(error.fields);
        if (error.code === "stale_version") await P.mergeAfterStale(id, error);
        throw error;
      } finally {
        releaseCard(id);
      }
    });
  });

  testId("card-answer").addEventListener("click", () => {
    if (state.card) P.pickUp(state.card.id);
  });

  testId("card-abandon").addEventListener("click", () => {
    if (state.card) P.abandon(state.card.id);
  });

  // ---------------------------------------------------------------- inline reason prompts
  const rejectBox = document.getElementById("reject-box");
  const rejectReason = testId("card-reject-reason");
  const flagBox = document.getElementById("flag-box");
  const flagReason = testId("flag-reason");
  let flagWanted = null;

  P.hideInlinePrompts = function () {
    rejectBox.hidden = true;
    flagBox.hidden = true;
  };

  function openPrompt(box, input) {
    P.hideInlinePrompts();
    box.hidden = false;
    input.value = "";
    input.focus();
  }

  // The reason typed into a prompt, or null (and the cursor back in the field) when it is empty.
  function reasonIn(input) {
    const reason = input.value.trim();
    if (!reason) input.focus();
    return reason || null;
  }

  // The prompt's button, or Enter in its field, confirms it.
  function onConfirm(button, input, confirm) {
    button.addEventListener("click", confirm);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); confirm(); }
    });
  }

  testId("card-reject").addEventListener("click", () => openPrompt(rejectBox, rejectReason));

  onConfirm(testId("card-reject-confirm"), rejectReason, () => {
    if (!state.card) return;
    const reason = reasonIn(rejectReason);
    if (!reason) return;
    const id = state.card.id;
    withButton(testId("card-reject-confirm"), () => CallinApi.post("/calls/" + id + "/reject", {reason})
      .then(() => { rejectBox.hidden = true; P.flash(S.rejected); }));
  });

  function askFlag(flag) {
    flagWanted = flag;
    $("#flag-box-label").textContent = flag === "banned" ? S.ban_reason : S.warning_reason;
    openPrompt(flagBox, flagReason);
  }

  function sendFlag(flag, reason) {
    if (!state.card) return;
    CallinApi.post("/calls/" + state.card.id + "/flag", {flag, reason})
      .then(() => { flagBox.hidden = true; P.flash(flag === "none" ? S.flag_cleared : S.flag_set); })
      .catch(P.failed);
  }

  testId("flag-warning").addEventListener("click", () => askFlag("warning"));
  testId("flag-banned").addEventListener("click", () => askFlag("banned"));
  testId("flag-clear").addEventListener("click", () => sendFlag("none", ""));
  onConfirm(testId("flag-confirm"), flagReason, () => {
    const reason = reasonIn(flagReason);
    if (reason) sendFlag(flagWanted, reason);
  });
  $$("[data-cancel-prompt]").forEach((b) => b.addEventListener("click", P.hideInlinePrompts));
})();
