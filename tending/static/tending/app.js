// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Sign-up: preselect the browser's time zone; the person can still change it.
  function guessTimeZone() {
    var select = document.querySelector("select[data-guess-time-zone]");
    if (!select || select.dataset.touched) return;
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && select.querySelector('option[value="' + zone.replace(/"/g, "") + '"]')) {
        select.value = zone;
      }
    } catch (e) { /* keep the server's default */ }
  }

  // "Copy link" buttons copy the value of the field they point at.
  function wireCopyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = document.getElementById(button.dataset.copy);
        if (!field) return;
        field.select();
        var done = function () {
          var status = document.getElementById(button.dataset.copy + "_status");
          if (status) status.textContent = "Copied.";
        };
        if (navigator.clipboard) {
          navigator.clipboard.writeText(field.value).then(done, function () {});
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    guessTimeZone();
    wireCopyButtons();
  });
})();
