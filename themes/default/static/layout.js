// runbook theme: the header's search control. Optional: without it the
// control links to the search page. search.js and search.css are not part of a
// page's first view: they load when the reader opens or focuses the box,
// presses "/", or arrives from a result.
(function () {
  "use strict";
  var me = document.currentScript;
  var assets = me && me.src ? me.src.replace(/[^/]*$/, "") : "";
  var header = document.querySelector(".site-header");
  var form = document.querySelector("form.site-search");
  var link = document.querySelector("a.search-toggle");
  var input = form && form.querySelector('input[type="search"]');
  var toggle = null, loading = null;
  function quiet() { /* search.js reports its own failures when a query runs */ }

  function load() {
    if (!loading) {
      loading = new Promise(function (ok, fail) {
        if (!document.querySelector('link[href$="assets/search.css"]')) {
          var css = document.createElement("link");
          css.rel = "stylesheet";
          css.href = assets + "search.css";
          // Before a theme's custom.css, which must still win.
          var base = document.querySelector('link[href$="assets/style.css"]');
          if (base) base.after(css); else document.head.appendChild(css);
        }
        var s = document.createElement("script");
        s.src = assets + "search.js";
        s.onload = ok;
        s.onerror = function () { loading = null; fail(new Error("search.js")); };
        document.head.appendChild(s);
      }).then(function () {
        // What the reader did before search.js arrived still counts.
        if (!input) return;
        if (document.activeElement === input) input.dispatchEvent(new FocusEvent("focus"));
        if (input.value) input.dispatchEvent(new Event("input"));
      });
    }
    return loading;
  }

  function open() {
    form.hidden = false;
    header.classList.add("search-open");
    if (toggle) toggle.setAttribute("aria-expanded", "true");
    input.focus();
    input.select();
    load().catch(quiet);
  }

  if (form && input && header) {
    form.hidden = false;
    if (link) {
      // Wide screens show the box; phones open it in place with a button.
      toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = link.className;
      toggle.setAttribute("aria-label", link.getAttribute("aria-label"));
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-controls", form.id);
      link.replaceWith(toggle);
      toggle.addEventListener("click", function () {
        if (!header.classList.contains("search-open")) return open();
        header.classList.remove("search-open");
        toggle.setAttribute("aria-expanded", "false");
      });
    }
    form.addEventListener("focusin", function () { load().catch(quiet); });
    // "/" opens the box unless the reader is typing (search.js then leaves it).
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      open();
    });
  }
  if (/[?&]highlight=/.test(location.search)) load().catch(quiet);

})();
