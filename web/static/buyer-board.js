// The delivery board, live: each Server-Sent Event about the buyer's SPOs makes htmx fetch the
// board again from the server (the page's one template), so the rows never drift from it.
(function () {
  "use strict";
  const board = document.getElementById("board");
  const live = document.getElementById("board-live");
  if (!board || !window.EventSource || !window.htmx) { return; }
  const source = new EventSource(board.dataset.events);
  source.addEventListener("board", function () {
    htmx.ajax("GET", board.dataset.refresh, { target: "#board", swap: "innerHTML" }).then(function () {
      board.dataset.updates = String(Number(board.dataset.updates || "0") + 1);
      if (live) { live.textContent = "Updated " + new Date().toLocaleTimeString() + "."; }
    });
  });
  source.addEventListener("open", function () { board.dataset.live = "yes"; });
  window.addEventListener("pagehide", function () { source.close(); });
}());
