// runbook theme: the side navigation shown from 1,024 px (style.css), on the
// pages that load assets/runbooks.js (the edition's run books): this run
// book's phases, then every run book. Made here rather than written into
// every page (issue 7's page budget); without it the stepper, breadcrumbs
// and the handbook links under the header do its work.
(function () {
  "use strict";
  // The six phases are fixed (SPEC §1).
  var PHASES = [["preparation", "Preparation"], ["identification", "Identification"], ["containment", "Containment"],
    ["eradication", "Eradication"], ["recovery", "Recovery"], ["lessons-learned", "Lessons Learned"]];
  // After main, so screen readers and keyboards meet the page first; the
  // grid puts it on the left.
  var main = document.querySelector("main");
  var layout = main && main.parentNode;
  var home = document.querySelector("a.site-title");
  if (window.RUNBOOK_LIST && layout && layout.classList.contains("page-layout") && home) {
    var root = home.getAttribute("href").replace(/index\.html$/, "");
    var here = main.getAttribute("data-runbook"), phase = main.getAttribute("data-phase");
    var nav = document.createElement("nav");
    nav.className = "side-nav";
    nav.setAttribute("aria-label", "Run books");
    var add = function (tag, text, href, current) {
      var el = nav.appendChild(document.createElement(tag));
      if (!href) { el.textContent = text; return el; }
      var a = el.appendChild(document.createElement("a"));
      a.href = href;
      a.textContent = text;
      if (current) a.setAttribute("aria-current", current);
      return el;
    };
    var list = function (tag, items) {
      var l = nav.appendChild(document.createElement(tag));
      items.forEach(function (it) {
        var a = l.appendChild(document.createElement("li")).appendChild(document.createElement("a"));
        a.href = it[0];
        a.textContent = it[1];
        if (it[2]) a.setAttribute("aria-current", it[2]);
      });
    };
    var mine = window.RUNBOOK_LIST.filter(function (rb) { return rb[0] === here; })[0];
    if (mine) {
      add("p", mine[1], root + here + "/index.html", main.getAttribute("data-page") === "runbook" && "page").className = "side-nav-title";
      list("ol", PHASES.map(function (p) {
        return [root + here + "/" + p[0] + "/index.html", p[1], p[0] === phase && "page"];
      }));
    }
    add("p", "Every run book").className = "side-nav-title";
    list("ul", window.RUNBOOK_LIST.map(function (rb) {
      return [root + rb[0] + "/index.html", rb[1], rb[0] === here && "true"];
    }));
    layout.appendChild(nav);
  }
})();
