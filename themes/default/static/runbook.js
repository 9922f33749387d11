// runbook theme script: optional enhancements. Every page reads fully without it.
(function () {
  "use strict";
  var main = document.querySelector("main");
  if (!main) return;
  var edition = main.getAttribute("data-edition") || "";
  var where = [edition, main.getAttribute("data-page"), main.getAttribute("data-runbook") || "", main.getAttribute("data-phase") || ""].join(":");
  // One tick list per edition and page, whatever folder the edition sits in:
  // {step id: time ticked (ms)}. Ticks used to be kept by a step's position
  // ("runbook:ticks:…", {"containment-3": true}); a position may name
  // another step since, so those are dropped, not moved (docs/theme.md).
  var key = "runbook:ticks2:" + where;
  try { localStorage.removeItem("runbook:ticks:" + where); } catch (e) { /* storage may be off */ }

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(state) {
    try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* storage may be off */ }
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function day(d) { return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()); }
  function clock(d) { return two(d.getHours()) + ":" + two(d.getMinutes()); }
  function squash(text) { return text.replace(/\s+/g, " ").trim(); }

  // Each box carries its step's id, made from the step's words at build
  // time (data-step-id); the same words twice on one page get "~2", "~3".
  var boxes = [];
  var counts = {};
  document.querySelectorAll("input.task-box[data-step-id]").forEach(function (box) {
    var base = box.getAttribute("data-step-id");
    counts[base] = (counts[base] || 0) + 1;
    var label = box.closest("label") || box.parentNode;
    var badge = label.querySelector("[data-lead][data-step]");
    var words = label.cloneNode(true);
    words.querySelectorAll("[data-lead], [role=tooltip], .tick-time").forEach(function (n) { n.remove(); });
    var time = document.createElement("span");
    time.className = "tick-time";
    label.after(time);
    boxes.push({
      box: box,
      id: counts[base] > 1 ? base + "~" + counts[base] : base,
      time: time,
      phase: badge ? badge.getAttribute("data-phase") : "",
      step: badge ? badge.getAttribute("data-step") : "",
      words: squash(words.textContent)
    });
  });

  function show(state) {
    var today = day(new Date());
    boxes.forEach(function (t) {
      var at = state[t.id];
      t.box.checked = !!at;
      if (typeof at === "number") {
        var d = new Date(at);
        t.time.textContent = "ticked " + (day(d) === today ? "" : day(d) + " ") + clock(d);
        t.time.hidden = false;
      } else {
        t.time.textContent = "";
        t.time.hidden = true;
      }
    });
  }

  // The ticked steps, oldest first, as plain text for an incident report.
  function timeline(state) {
    var ticked = boxes.filter(function (t) { return typeof state[t.id] === "number"; });
    ticked.sort(function (a, b) { return state[a.id] - state[b.id]; });
    var heading = main.querySelector("h1");
    var lines = [squash(heading ? heading.textContent : document.title)];
    ticked.forEach(function (t) {
      var d = new Date(state[t.id]);
      var phase = t.phase ? t.phase.charAt(0).toUpperCase() + t.phase.slice(1).replace("-", " ") + " step " + t.step + ": " : "";
      lines.push(day(d) + " " + clock(d) + "  " + phase + t.words);
    });
    return { count: ticked.length, text: lines.join("\n") + "\n" };
  }

  if (boxes.length) {
    var undo = null;
    show(load());
    boxes.forEach(function (t) {
      t.box.addEventListener("change", function () {
        var s = load();
        if (t.box.checked) { s[t.id] = Date.now(); } else { delete s[t.id]; }
        save(s);
        show(s);
      });
    });
    document.querySelectorAll(".task-tools").forEach(function (tools) {
      tools.hidden = false;
      var clear = tools.querySelector(".clear-ticks");
      var make = function (tag, cls, text) {
        var el = document.createElement(tag);
        el.className = cls;
        if (tag === "button") el.type = "button";
        if (text) el.textContent = text;
        tools.appendChild(el);
        return el;
      };
      var copy = make("button", "copy-timeline", "Copy ticked steps with times");
      var again = make("button", "undo-clear", "Undo clear");
      again.hidden = true;
      var status = make("p", "tick-status", "");
      status.setAttribute("role", "status");
      var area = make("textarea", "timeline-text", "");
      area.readOnly = true;
      area.hidden = true;
      area.setAttribute("aria-label", "Ticked steps with their times");
      // Clearing can be undone (a tap on the wrong button in an incident
      // must not lose the record), until the next tick.
      if (clear) clear.addEventListener("click", function () {
        var s = load();
        if (!Object.keys(s).length) { status.textContent = "Nothing is ticked."; return; }
        undo = s;
        save({});
        show({});
        again.hidden = false;
        status.textContent = "Ticks cleared.";
      });
      again.addEventListener("click", function () {
        if (undo) { save(undo); show(undo); }
        undo = null;
        again.hidden = true;
        status.textContent = "Ticks are back.";
        clear && clear.focus();
      });
      copy.addEventListener("click", function () {
        var t = timeline(load());
        if (!t.count) { status.textContent = "Nothing is ticked yet."; return; }
        var done = function () { status.textContent = "Copied " + t.count + (t.count === 1 ? " step" : " steps") + " with their times."; };
        var manual = function () {
          area.value = t.text;
          area.hidden = false;
          area.select();
          status.textContent = "Select the text below and copy it.";
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(t.text).then(done, manual);
        } else {
          manual();
        }
      });
      boxes.forEach(function (t) {
        t.box.addEventListener("change", function () { undo = null; again.hidden = true; });
      });
    });
  }

  // Glossary terms: CSS shows the definition on hover and focus; here
  // Escape closes it (WCAG 1.4.13), a tap opens it and a second tap closes it.
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
      // On a touch screen a tap opens the definition and a second tap
      // closes it: the page is never left by accident mid-incident (the
      // glossary page is one tap away in the menu).
      link.addEventListener("click", function (e) {
        if (!touch) return;
        e.preventDefault();
        if (term.classList.contains("open")) {
          term.classList.remove("open");
          term.classList.add("closed");
        } else {
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
