// runbook theme script: optional enhancements. Every page reads fully without it.
(function () {
  "use strict";
  var main = document.querySelector("main");
  if (!main) return;
  var edition = main.getAttribute("data-edition") || "";
  // One tick list per edition and page, whatever folder the edition sits in.
  var key = ["runbook:ticks", edition, main.getAttribute("data-page"), main.getAttribute("data-runbook") || "", main.getAttribute("data-phase") || ""].join(":");

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function save(state) {
    try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* storage may be off */ }
  }

  var boxes = document.querySelectorAll("input.task-box[data-task]");
  if (boxes.length) {
    var state = load();
    boxes.forEach(function (box) {
      box.checked = !!state[box.getAttribute("data-task")];
      box.addEventListener("change", function () {
        var s = load();
        if (box.checked) { s[box.getAttribute("data-task")] = true; } else { delete s[box.getAttribute("data-task")]; }
        save(s);
      });
    });
    document.querySelectorAll(".task-tools").forEach(function (tools) {
      tools.hidden = false;
      var button = tools.querySelector(".clear-ticks");
      if (button) button.addEventListener("click", function () {
        boxes.forEach(function (box) { box.checked = false; });
        save({});
      });
    });
  }

  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
