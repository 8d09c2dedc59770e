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

  // -- Conversations (conversations/templates/conversations/room.html) --------------------
  // The screen region #stage is replaced whenever the conversation moves on (the partner's
  // step arrives by polling). What someone is typing must survive that: every box with
  // data-keep="<key>" is saved to sessionStorage as it is typed, put back after each swap
  // and on load, and forgotten once its form was sent and taken. The key names the step,
  // so a new step starts with an empty box.

  function keepStore() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function keepTyping(event) {
    var box = event.target;
    if (!box || !box.matches || !box.matches("[data-keep]")) return;
    var store = keepStore();
    if (!store) return;
    try { store.setItem(box.dataset.keep, box.value); } catch (e) { /* full or blocked */ }
  }

  function restoreTyping(root) {
    var store = keepStore();
    if (!store) return;
    root.querySelectorAll("[data-keep]").forEach(function (box) {
      var saved = store.getItem(box.dataset.keep);
      if (saved === null || box.value === saved) return;
      var focused = document.activeElement === box;
      var start = box.selectionStart, end = box.selectionEnd;
      box.value = saved;
      if (focused && start !== null) {
        try { box.setSelectionRange(start, end); } catch (e) { /* not a text box */ }
      }
    });
  }

  function forgetTyping(form) {
    var store = keepStore();
    if (!store || !form.querySelectorAll) return;
    form.querySelectorAll("[data-keep]").forEach(function (box) {
      store.removeItem(box.dataset.keep);
    });
  }

  // Paced breathing while paused: the circle is CSS (in 4 s, out 6 s). With reduced motion
  // there is no animation; a slow line of text keeps the rhythm instead. The 1-3 minute
  // countdown only says when the time is up: going on is always the person's own choice.
  var breathing = { countdown: null, cue: null };
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  function stopBreathing() {
    clearInterval(breathing.countdown);
    clearTimeout(breathing.cue);
    breathing.countdown = breathing.cue = null;
  }

  function paceText(line) {
    var steps = [["Breathe in\u2026 two, three, four", 4000], ["Breathe out\u2026 two, three, four, five, six", 6000]];
    var at = 0;
    function next() {
      if (!document.body.contains(line)) return;
      line.textContent = steps[at][0];
      breathing.cue = setTimeout(next, steps[at][1]);
      at = (at + 1) % steps.length;
    }
    next();
  }

  function setUpBreathing(root) {
    stopBreathing();
    var box = root.querySelector("[data-breathe]");
    if (!box) return;
    var timer = box.querySelector("[data-breathe-timer]");
    if (timer) timer.hidden = false;
    var line = box.querySelector("[data-breathe-cue]");
    if (line && reducedMotion && reducedMotion.matches) paceText(line);
  }

  function startCountdown(button) {
    var box = button.closest("[data-breathe]");
    if (!box) return;
    var left = box.querySelector("[data-breathe-left]");
    var done = box.querySelector("[data-breathe-done]");
    box.querySelectorAll("[data-breathe-minutes]").forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
    clearInterval(breathing.countdown);
    if (done) done.textContent = "";
    var end = Date.now() + Number(button.dataset.breatheMinutes) * 60000;
    function tick() {
      if (!left || !document.body.contains(left)) { clearInterval(breathing.countdown); return; }
      var seconds = Math.max(0, Math.round((end - Date.now()) / 1000));
      if (seconds === 0) {
        clearInterval(breathing.countdown);
        left.textContent = "";
        if (done) done.textContent = "That's the time you chose. Go on when you're ready, or keep breathing a little longer.";
        return;
      }
      var s = seconds % 60;
      left.textContent = Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s + " left";
    }
    tick();
    breathing.countdown = setInterval(tick, 1000);
  }

  // Says the new turn once, politely, from a region that stays while #stage is replaced.
  var lastTurn = "";
  function announceTurn(stage) {
    var heading = stage.querySelector("[data-turn]");
    var region = document.querySelector("[data-announce]");
    if (!heading || !region) return;
    var words = heading.textContent.trim();
    if (words && words !== lastTurn) region.textContent = words;
    lastTurn = words;
  }

  var stageHadFocus = false;
  var typingIn = null;

  document.addEventListener("input", keepTyping);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-breathe-minutes]");
    if (button) startCountdown(button);
  });

  // A step's buttons rest while it is being sent, so a double tap sends it once. (Pause is
  // a form of its own and stays ready.)
  function formInStage(event) {
    var form = event.detail && event.detail.elt;
    return form && form.tagName === "FORM" && form.closest("#stage") ? form : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formInStage(event);
    if (form) form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formInStage(event);  // only while still on the page (nothing replaced it)
    if (form) form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var target = detail.target;
    if (!target || target.id !== "stage") return;
    var status = detail.xhr.status;
    // A refused step (400) or a screen that had moved on (409) still shows where things are.
    if ((status === 400 || status === 409) && target.hasAttribute("data-swap-problems")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
    var sent = detail.requestConfig && detail.requestConfig.elt;
    if (status === 200 && sent && sent.tagName === "FORM") forgetTyping(sent);
    stageHadFocus = target.contains(document.activeElement);
    // A box being typed in when the partner's step arrives keeps the focus and the caret.
    var box = document.activeElement;
    typingIn = stageHadFocus && box && box.id && box.matches("[data-keep]")
      ? { id: box.id, start: box.selectionStart, end: box.selectionEnd } : null;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var stage = event.target;
    if (!stage || stage.id !== "stage") return;
    restoreTyping(stage);
    if (typingIn) {
      var again = document.getElementById(typingIn.id);
      if (again) {
        again.focus();
        try { again.setSelectionRange(typingIn.start, typingIn.end); } catch (e) { /* not text */ }
      }
      typingIn = null;
    }
    setUpBreathing(stage);
    announceTurn(stage);
    var focused = document.activeElement;
    if (stageHadFocus && (!focused || focused === document.body)) {
      var heading = stage.querySelector("[data-turn]");
      if (heading) heading.focus();
    }
    stageHadFocus = false;
  });

  document.addEventListener("DOMContentLoaded", function () {
    guessTimeZone();
    wireCopyButtons();
    restoreTyping(document);
    setUpBreathing(document);
    var stage = document.getElementById("stage");
    if (stage) {
      var heading = stage.querySelector("[data-turn]");
      lastTurn = heading ? heading.textContent.trim() : "";
    }
  });
})();
