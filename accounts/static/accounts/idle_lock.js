// The idle lock for a shared device. When the person chose a quiet time (data-idle-lock on
// <body>, in minutes), this page goes to the lock page once no tab of Tending in this browser
// has seen a key, a tap or a scroll for that long; the server ends the session there and asks
// for the password again. Activity is shared between tabs through localStorage, so reading in
// one tab doesn't lock another. Typing also tells the server, at most once a minute, so a long
// draft isn't locked by the server's own clock. The server enforces the same time by itself.
(function () {
  "use strict";

  var body = document.body;
  if (!body || !body.dataset.idleLock) return;
  var quietMs = parseInt(body.dataset.idleLock, 10) * 60 * 1000;
  if (!(quietMs > 0)) return;
  var lockUrl = body.dataset.idleLockUrl;
  var stillHereUrl = body.dataset.stillHereUrl;
  var KEY = "tending.activeAt";
  var lastLocal = 0;
  var lastPing = Date.now();

  function stored() {
    try {
      return parseInt(window.localStorage.getItem(KEY) || "0", 10) || 0;
    } catch (e) {
      return 0;
    }
  }

  function active() {
    var now = Date.now();
    if (now - lastLocal < 1000) return;
    lastLocal = now;
    try {
      window.localStorage.setItem(KEY, String(now));
    } catch (e) { /* private mode: this tab alone counts */ }
    if (now - lastPing >= 60 * 1000 && stillHereUrl) {
      lastPing = now;
      fetch(stillHereUrl, { credentials: "same-origin", cache: "no-store" }).catch(function () {});
    }
  }

  ["keydown", "pointerdown", "touchstart", "scroll", "input"].forEach(function (name) {
    document.addEventListener(name, active, { passive: true, capture: true });
  });
  active();

  function check() {
    var last = Math.max(lastLocal, stored());
    if (Date.now() - last < quietMs) return;
    var here = window.location.pathname + window.location.search;
    window.location.replace(lockUrl + "?next=" + encodeURIComponent(here));
  }

  window.setInterval(check, 5000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) check();
  });
})();
