// Starts the producer console, loaded last: takes each new live state into the page, and fetches
// the reference lists before watching the show.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {state, showId} = P;

  function applyState(next) {
    if (state.live && next.version < state.live.version) return;
    state.live = next;
    state.calls = new Map(next.calls.map((c) => [c.id, c]));
    P.renderHeader(next.show);
    P.renderLists();
    P.renderNotes(next.notes);
    P.renderInbox(next.inbox || []);
    P.reconcileCard();
    if (state.selectAfterPush && state.calls.has(state.selectAfterPush)) {
      const id = state.selectAfterPush;
      state.selectAfterPush = null;
      P.openCard(id, true);
    }
    P.markSelection();
    P.markTexts();
    state.firstState = false;
  }

  // Ask for the full state now (after a conflict) rather than wait for the next push.
  P.refetch = function () {
    return CallinApi.get("/shows/" + showId + "/queue").then(applyState).catch(() => {});
  };

  P.referenceReady = CallinApi.get("/reference").then((data) => {
    state.reference = data;
    P.fillReference();
  }).catch(P.failed);
  P.referenceReady.then(() => {
    CallinLive.watchShow(showId, applyState, P.setConnection);
  });
  P.showConnecting();
})();
