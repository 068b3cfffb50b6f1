// Notes between producer, host and guest: the list, opening the call a note is about, canned
// one-click notes and free notes, optionally about the selected call.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {S, esc, fmt, $$, testId, showId, state} = P;
  const notesList = testId("notes-list");
  const aboutCall = testId("note-about-call");

  P.renderNotes = function (notes) {
    const atBottom = notesList.scrollHeight - notesList.scrollTop - notesList.clientHeight < 30;
    const html = notes.map((n) => {
      const about = n.call_id ? state.calls.get(n.call_id) : null;
      return '<li class="pc-note from-' + esc(n.author_role) + (n.canned ? " canned" : "") + '">' +
        '<div class="pc-note-head"><span class="pc-note-time">' + esc(P.timeOf(n.created_at)) + "</span>" +
        '<span class="pc-note-who">' + esc(S.roles[n.author_role] || n.author_role) + "</span>" +
        '<span class="pc-note-to">→ ' + esc(S.recipients[n.recipient] || n.recipient) + "</span>" +
        (n.call_id ? '<span class="pc-note-call" data-call-id="' + n.call_id + '">' +
          esc(about ? P.callerName(about) : "#" + n.call_id) + "</span>" : "") + "</div>" +
        '<div class="pc-note-text">' + esc(n.text) + "</div></li>";
    }).join("");
    notesList.innerHTML = html || '<li class="pc-empty">' + esc(S.no_notes) + "</li>";
    if (atBottom || state.firstState) notesList.scrollTop = notesList.scrollHeight;
  };

  // The "about the selected call" box follows the selection; with none it is off.
  P.renderNoteAbout = function (call) {
    aboutCall.disabled = !call;
    if (!call) aboutCall.checked = false;
    document.getElementById("note-about-label").textContent = call
      ? fmt(S.about_call, {name: P.callerName(call)}) : S.about_selected;
  };

  notesList.addEventListener("click", (event) => {
    const link = event.target.closest("[data-call-id]");
    if (link && state.calls.has(Number(link.dataset.callId))) P.openCard(Number(link.dataset.callId));
  });

  function sendNote(body, button) {
    body.recipient = testId("note-recipient").value;
    if (aboutCall.checked && state.selectedId) body.call_id = state.selectedId;
    button.disabled = true;
    return CallinApi.post("/shows/" + showId + "/notes", body)
      .then(() => { if (body.text) testId("note-text").value = ""; })
      .catch(P.failed)
      .finally(() => { button.disabled = false; });
  }

  document.getElementById("note-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = testId("note-text").value.trim();
    if (!text) { testId("note-text").focus(); return; }
    sendNote({text}, testId("note-send"));
  });
  $$("[data-canned]").forEach((button) => button.addEventListener("click", () => {
    sendNote({canned: button.dataset.canned}, button);
  }));
})();
