// runbook serve: live reload and the problems overlay. Served by
// `runbook serve` only; never part of a built handbook.
(function () {
  "use strict";
  var me = document.currentScript;
  var shown = me ? Number(me.getAttribute("data-generation")) : 0;
  var dismissed = "";
  var box = null;

  function styles() {
    if (document.getElementById("runbook-live-css")) return;
    var link = document.createElement("link");
    link.id = "runbook-live-css";
    link.rel = "stylesheet";
    link.href = "/__runbook/live.css";
    document.head.appendChild(link);
  }

  function where(p) {
    var s = p.file;
    if (p.line) s += ":" + p.line + (p.column ? ":" + p.column : "");
    return s;
  }

  function text(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = value;
    return el;
  }

  function hide() {
    if (box) box.remove();
    box = null;
  }

  function overlay(errors) {
    var key = JSON.stringify(errors);
    if (!errors.length) { dismissed = ""; hide(); return; }
    if (key === dismissed) return;
    styles();
    hide();
    box = document.createElement("div");
    box.id = "runbook-live-overlay";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "runbook-live-title");
    box.setAttribute("aria-describedby", "runbook-live-note");
    var title = text("h2", null, errors.length === 1
      ? "The sources have a problem"
      : "The sources have " + errors.length + " problems");
    title.id = "runbook-live-title";
    box.appendChild(title);
    var note = text("p", null, "This page shows the last good build. Fix the source and save: the page updates by itself.");
    note.id = "runbook-live-note";
    box.appendChild(note);
    var list = document.createElement("ul");
    errors.forEach(function (p) {
      var li = document.createElement("li");
      li.setAttribute("data-file", p.file);
      li.setAttribute("data-line", String(p.line));
      li.appendChild(text("code", "runbook-live-where", where(p)));
      li.appendChild(text("span", "runbook-live-code", " " + p.code + " "));
      li.appendChild(text("span", "runbook-live-message", p.message));
      if (p.hint) li.appendChild(text("p", "runbook-live-hint", "Hint: " + p.hint));
      list.appendChild(li);
    });
    box.appendChild(list);
    var close = text("button", null, "Dismiss");
    close.type = "button";
    close.addEventListener("click", function () { dismissed = key; hide(); });
    box.appendChild(close);
    document.body.appendChild(box);
    document.addEventListener("keydown", function esc(e) {
      if (e.key === "Escape" && box) { dismissed = key; hide(); document.removeEventListener("keydown", esc); }
    });
  }

  function update(status) {
    if (status.generation && status.generation !== shown) {
      location.reload();
      return;
    }
    overlay(status.errors || []);
  }

  if (!window.EventSource) return;
  var events = new EventSource("/__runbook/events");
  events.onmessage = function (e) {
    try { update(JSON.parse(e.data)); } catch (err) { /* a partial message: the next one repairs it */ }
  };
  window.addEventListener("pagehide", function () { events.close(); });
})();
