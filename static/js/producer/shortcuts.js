// Keyboard shortcuts for the whole console (the row keys live in lists.js): Ctrl+S save,
// Ctrl+Enter ready for air, Esc cancel, and, outside text fields, P pick up, N note, Q queue,
// I incoming.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {$, testId, state} = P;
  const form = testId("card-form");

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      if (state.card && !form.hidden) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      const ready = testId("card-ready");
      if (state.card && !ready.hidden) { event.preventDefault(); ready.click(); }
      return;
    }
    if (event.key === "Escape") {
      P.hideInlinePrompts();
      P.cancelEndShow();
      return;
    }
    if (typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key.toLowerCase();
    if (key === "p") {
      const first = $('[data-testid^="pick-up-"]', testId("incoming-list"));
      if (first) { event.preventDefault(); first.click(); }
    } else if (key === "n") {
      event.preventDefault();
      testId("note-text").focus();
    } else if (key === "q") {
      const row = $(".pc-qrow", testId("queue-list"));
      if (row) { event.preventDefault(); row.focus(); }
    } else if (key === "i") {
      const row = $("[tabindex]", testId("incoming-list")) || $("[tabindex]", testId("screening-list"));
      if (row) { event.preventDefault(); row.focus(); }
    }
  });
})();
