// Text limits: a live "n of max" beside every limited field, and nothing ever cut.
// The server renders limited fields with data-limit (no maxlength) and a line stating the
// limit; this turns that line into a count. Fields written by hand with maxlength get the
// same treatment, so a paste is never silently shortened anywhere.
(function () {
  "use strict";

  var FIELDS = "textarea[maxlength], input[maxlength], textarea[data-limit], input[data-limit]";

  function format(n) {
    return n.toLocaleString("en-GB");
  }

  function noteFor(field) {
    var id = field.id || field.name;
    var note = id ? document.getElementById(id + "_limit") : null;
    if (!note) {
      note = document.createElement("span");
      note.className = "limit";
      note.id = (id || "field") + "_limit";
      field.insertAdjacentElement("afterend", note);
      var described = (field.getAttribute("aria-describedby") || "").split(" ");
      if (described.indexOf(note.id) < 0) described.push(note.id);
      field.setAttribute("aria-describedby", described.join(" ").trim());
    }
    if (!note.querySelector("[data-count]")) {
      note.textContent = "";
      var count = document.createElement("span");
      count.setAttribute("data-count", "");
      count.setAttribute("aria-hidden", "true");
      var spoken = document.createElement("span");
      spoken.className = "visually-hidden";
      spoken.setAttribute("aria-live", "polite");
      spoken.setAttribute("data-spoken", "");
      note.appendChild(count);
      note.appendChild(spoken);
    }
    return note;
  }

  function update(field) {
    var limit = parseInt(field.dataset.limit, 10);
    if (!limit) return;
    var note = noteFor(field);
    var length = field.value.length;
    var over = length > limit;
    note.querySelector("[data-count]").textContent = over
      ? format(length) + " of " + format(limit) + " characters: " +
        format(length - limit) + " more than fits. Nothing has been cut."
      : format(length) + " of " + format(limit) + " characters";
    var spoken = note.querySelector("[data-spoken]");
    var was = note.classList.contains("over");
    note.classList.toggle("over", over);
    // Spoken only when it changes sides of the limit, not at every key.
    if (over !== was) {
      spoken.textContent = over
        ? "This is longer than " + format(limit) + " characters. Nothing has been cut."
        : "This fits again.";
    }
  }

  function setUp(root) {
    root.querySelectorAll(FIELDS).forEach(function (field) {
      if (field.type === "hidden" || field.type === "password" || field.type === "email") return;
      if (field.hasAttribute("maxlength")) {
        field.dataset.limit = field.getAttribute("maxlength");
        field.removeAttribute("maxlength");
      }
      update(field);
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field && field.dataset && field.dataset.limit) update(field);
  });
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
})();
