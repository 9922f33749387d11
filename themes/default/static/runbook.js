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

  // A task's box sits in a label with its step's badge, whose phase and
  // number name the tick ("containment-3").
  var boxes = [];
  document.querySelectorAll("input.task-box").forEach(function (box) {
    var badge = box.parentNode.querySelector("[data-lead][data-step]");
    if (badge) boxes.push({ box: box, id: badge.getAttribute("data-phase") + "-" + badge.getAttribute("data-step") });
  });
  if (boxes.length) {
    var state = load();
    boxes.forEach(function (t) {
      t.box.checked = !!state[t.id];
      t.box.addEventListener("change", function () {
        var s = load();
        if (t.box.checked) { s[t.id] = true; } else { delete s[t.id]; }
        save(s);
      });
    });
    document.querySelectorAll(".task-tools").forEach(function (tools) {
      tools.hidden = false;
      var button = tools.querySelector(".clear-ticks");
      if (button) button.addEventListener("click", function () {
        boxes.forEach(function (t) { t.box.checked = false; });
        save({});
      });
    });
  }

  // Glossary terms: CSS shows the definition on hover and focus; here
  // Escape closes it (WCAG 1.4.13) and a tap opens it before following the link.
  var terms = document.querySelectorAll(".term");
  if (terms.length) {
    var touch = false;
    document.addEventListener("pointerdown", function (e) { touch = e.pointerType === "touch"; }, true);
    var closeAll = function (except) {
      terms.forEach(function (t) { if (t !== except) t.classList.remove("open"); });
    };
    terms.forEach(function (term) {
      var link = term.querySelector("a");
      if (!link) return;
      link.addEventListener("click", function (e) {
        if (touch && !term.classList.contains("open")) {
          e.preventDefault();
          closeAll(term);
          term.classList.remove("closed");
          term.classList.add("open");
        }
      });
      var reopen = function () { term.classList.remove("closed"); };
      term.addEventListener("mouseleave", reopen);
      link.addEventListener("blur", reopen);
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      terms.forEach(function (t) {
        if (t.matches(":hover, :focus-within, .open")) { t.classList.remove("open"); t.classList.add("closed"); }
      });
    });
    document.addEventListener("click", function (e) {
      if (!e.target.closest || !e.target.closest(".term")) closeAll(null);
    });
  }

  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
