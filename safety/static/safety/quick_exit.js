// Quick exit: the "Leave quickly" link, or Escape pressed twice, replaces this page with a
// neutral one. location.replace takes Tending's page out of this tab's Back. The session is
// ended on the server by a request sent alongside (keepalive: it outlives this page), so
// nothing waits on it. Without this script the link itself signs out and redirects.
(function () {
  "use strict";

  var ESCAPE_GAP_MS = 1000;
  var lastEscape = 0;
  var leaving = false;

  function leave() {
    if (leaving) return;
    var link = document.querySelector("[data-quick-exit]");
    if (!link) return;
    leaving = true;
    try {
      fetch(link.href, { credentials: "same-origin", keepalive: true, redirect: "manual", cache: "no-store" })
        .catch(function () { /* the page is already gone */ });
    } catch (e) { /* no fetch: the neutral page still opens */ }
    document.title = "";
    if (document.body) document.body.hidden = true;
    window.location.replace(link.dataset.quickExitTo || link.href);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    leave();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape <= ESCAPE_GAP_MS) {
      leave();
    } else {
      lastEscape = now;
    }
  });
})();
