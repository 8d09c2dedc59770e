// The grounding page has a second countdown (quiet together); tending/app.js shows only the
// first timer it finds, so show every one here. The buttons themselves are app.js's.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-breathe-timer]").forEach(function (timer) { timer.hidden = false; });
});
