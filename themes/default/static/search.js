// runbook search box: optional enhancement, no dependencies. The box stays
// hidden without JavaScript (the search page then lists every run book and
// phase instead). The query engine and the edition's index are scripts, not
// JSON, so they load from file:// too; they load only when the reader focuses
// the box or opens the search page, never on a plain page view.
(function () {
  "use strict";
  var me = document.currentScript;
  var assets = me && me.src ? me.src.replace(/[^/]*$/, "") : "";
  var engineLoad = null;
  var indexLoad = null;

  function loadScript(src) {
    return new Promise(function (ok, fail) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { ok(); };
      s.onerror = function () { fail(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }
  /** The engine's API (stemmer, marks), without the index. */
  function loadEngine() {
    if (!engineLoad) {
      engineLoad = window.RunbookSearch ? Promise.resolve() : loadScript(assets + "search-engine.js");
      engineLoad = engineLoad.then(function () {
        if (!window.RunbookSearch) throw new Error("search engine missing");
        return window.RunbookSearch;
      });
    }
    return engineLoad;
  }
  /** An engine over this edition's index. */
  function loadIndex() {
    if (!indexLoad) {
      indexLoad = loadEngine().then(function (api) {
        return (window.RUNBOOK_SEARCH_INDEX ? Promise.resolve() : loadScript(assets + "search-index.js")).then(function () {
          return new api.Engine(window.RUNBOOK_SEARCH_INDEX);
        });
      });
      indexLoad.catch(function () { indexLoad = null; });
    }
    return indexLoad;
  }

  var KIND_LABEL = { 1: "Also called: ", 2: "Alert: ", 3: "ATT&CK technique: " };

  /** Appends `text` with the `ranges` marked, cut to about `max` characters around the first mark. */
  function appendMarked(parent, text, ranges, max) {
    var start = 0, end = text.length;
    if (text.length > max) {
      var focus = ranges.length ? ranges[0][0] : 0;
      start = Math.max(0, focus - Math.floor(max / 3));
      if (start > 0) { var sp = text.indexOf(" ", start); start = sp >= 0 && sp < focus ? sp + 1 : start; }
      end = Math.min(text.length, start + max);
      if (end < text.length) { var ep = text.lastIndexOf(" ", end); end = ep > (ranges.length ? ranges[0][1] : start) ? ep : end; }
    }
    if (start > 0) parent.appendChild(document.createTextNode("… "));
    var at = start;
    ranges.forEach(function (r) {
      if (r[1] <= start || r[0] >= end) return;
      var a = Math.max(r[0], start), b = Math.min(r[1], end);
      if (a > at) parent.appendChild(document.createTextNode(text.slice(at, a)));
      var m = document.createElement("mark");
      m.textContent = text.slice(a, b);
      parent.appendChild(m);
      at = b;
    });
    if (at < end) parent.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length) parent.appendChild(document.createTextNode(" …"));
  }

  function badge(data, b, phaseSlug) {
    var span = document.createElement("span");
    span.setAttribute("data-phase", phaseSlug);
    span.setAttribute("data-lead", b.lead);
    if (b.advisor) span.setAttribute("data-advisor", b.advisor);
    span.textContent = b.label;
    if (b.advised) {
      var adv = document.createElement("small");
      adv.textContent = ", " + b.advised;
      span.appendChild(adv);
    }
    return span;
  }

  // The header's search box comes as a label and an input only (every page
  // has one, so every byte counts); the parts that only the script uses are
  // made here: the help for screen readers, the live status and the panel.
  function addPanel(form, root) {
    function el(tag, attrs, parent) {
      var e = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      (parent || form).appendChild(e);
      return e;
    }
    var input = form.querySelector('input[type="search"]');
    var help = el("p", { id: input.id + "-help", "class": "vh" });
    help.textContent = "Results appear below as you type. Arrow keys move through them, Enter opens one, Escape clears. Press slash to come back here.";
    input.setAttribute("aria-describedby", help.id);
    el("p", { "class": "search-status vh", role: "status", "data-search-status": "" });
    var panel = el("div", { "class": "search-panel", hidden: "" });
    el("ol", { "class": "search-results", "data-search-results": "" }, panel);
    var gloss = el("section", { "class": "search-glossary", "data-search-glossary": "", hidden: "", "aria-label": "In the glossary" }, panel);
    el("ul", {}, gloss);
    var more = el("p", { "class": "search-more", hidden: "" }, panel);
    el("a", { href: root + "search/index.html" }, more).textContent = "See every result";
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function setup(form) {
    var root = form.getAttribute("data-root") || "";
    if (!form.querySelector("[data-search-results]") && form.querySelector('input[type="search"]')) addPanel(form, root);
    var input = form.querySelector('input[type="search"]');
    var list = form.querySelector("[data-search-results]");
    var status = form.querySelector("[data-search-status]");
    var gloss = form.querySelector("[data-search-glossary]");
    var glossList = gloss ? gloss.querySelector("ul") : null;
    var panel = form.querySelector(".search-panel");
    var more = form.querySelector(".search-more");
    var isPage = form.hasAttribute("data-search-page");
    var limit = isPage ? 50 : 6;
    var announce = null;
    if (!input || !list) return;
    form.hidden = false;

    function say(text, now) {
      clearTimeout(announce);
      // Wait for a pause in typing so a screen reader is not talked over.
      announce = setTimeout(function () { status.textContent = text; }, now ? 0 : 350);
    }
    function showPanel(show) { if (panel) panel.hidden = !show; }
    function clear() {
      list.textContent = "";
      var note = form.querySelector(".search-note");
      if (note) { note.textContent = ""; note.hidden = true; }
      if (glossList) glossList.textContent = "";
      if (gloss) gloss.hidden = true;
      if (more) more.hidden = true;
      showPanel(false);
      say("", true);
    }
    // A hit is a phase page, or the run book's overview (phase null).
    function hitLink(data, hit) {
      var rb = data.runbooks[hit.runbook], ph = hit.phase === null ? null : data.phases[hit.phase];
      var href = root + rb.slug + "/" + (ph ? ph.slug + "/" : "") + "index.html";
      if (hit.stems.length) href += "?highlight=" + encodeURIComponent(hit.stems.join(" "));
      // A step's anchor is its whole id ("#step-3"); a heading's lacks the
      // "<runbook>-<phase>-" that its page's address already says.
      if (hit.anchor && ph) href += hit.anchor.charAt(0) === "#" ? hit.anchor : "#" + rb.slug + "-" + ph.slug + "-" + hit.anchor;
      return href;
    }
    // A hit that links to a step shows that step's badge: its marker may
    // name someone other than its phase ("Our SOC team" in a client-led phase).
    function hitBadge(rb, hit) {
      var m = /^#step-(\d+)$/.exec(hit.anchor || "");
      var steps = rb.steps && rb.steps[hit.phase];
      if (m && steps && steps[m[1] - 1] !== undefined) return steps[m[1] - 1];
      return rb.badges[hit.phase];
    }
    function snippet(engine, blockId, stems, keys) {
      var p = document.createElement("p");
      p.className = "search-snippet";
      var block = engine.data.blocks[blockId];
      if (KIND_LABEL[block[0]]) p.appendChild(document.createTextNode(KIND_LABEL[block[0]]));
      appendMarked(p, block[2], engine.marks(block[2], stems, keys), isPage ? 240 : 140);
      return p;
    }
    // Above the results: when nothing matches, say so, give the number to
    // call and a way to the run books (a blank panel helps nobody mid-
    // incident); otherwise name the words left out as not in the handbook.
    function notice(data, res, q) {
      var note = form.querySelector(".search-note");
      if (!note) {
        note = document.createElement("div");
        note.className = "search-note";
        list.parentNode.insertBefore(note, list);
      }
      note.textContent = "";
      function line(cls) { var p = document.createElement("p"); p.className = cls; note.appendChild(p); return p; }
      if (!res.total) {
        line("search-empty").textContent = "Nothing in this handbook matches \u2018" + q.trim() + "\u2019.";
        if (data.call && data.call.phone) {
          var c = line("search-call");
          c.appendChild(document.createTextNode("Not sure what to do? Call " + data.call.name + " on "));
          var tel = document.createElement("a");
          tel.href = "tel:" + data.call.phone.replace(/[^+\d]/g, "");
          tel.textContent = data.call.phone;
          c.appendChild(tel);
          c.appendChild(document.createTextNode("."));
        }
        var all = document.createElement("a");
        all.href = root + "index.html#runbooks-title";
        all.textContent = "See the list of run books";
        line("search-list").appendChild(all);
      } else if (res.ignored && res.ignored.length) {
        line("search-ignored").textContent = "Not in this handbook, so left out: " + res.ignored.join(", ") + ".";
      }
      note.hidden = !note.children.length;
    }
    function render(engine, res, q) {
      var data = engine.data;
      notice(data, res, q);
      list.textContent = "";
      res.hits.forEach(function (hit) {
        var rb = data.runbooks[hit.runbook], ph = hit.phase === null ? null : data.phases[hit.phase];
        var li = document.createElement("li");
        li.className = "search-hit";
        var a = document.createElement("a");
        a.href = hitLink(data, hit);
        var t = document.createElement("span");
        t.className = "search-hit-runbook";
        t.textContent = rb.title;
        var sep = document.createElement("span");
        sep.className = "search-hit-phase";
        sep.textContent = ": " + (ph ? ph.name : "Overview");
        a.appendChild(t);
        a.appendChild(sep);
        li.appendChild(a);
        // The overview has no one badge: its page shows who does each phase.
        if (ph) {
          li.appendChild(document.createTextNode(" "));
          li.appendChild(badge(data, data.badges[hitBadge(rb, hit)], ph.slug));
        }
        if (hit.snippet !== null) li.appendChild(snippet(engine, hit.snippet, hit.stems, hit.keys));
        list.appendChild(li);
      });
      if (glossList) {
        glossList.textContent = "";
        res.glossary.slice(0, isPage ? res.glossary.length : 2).forEach(function (g) {
          var entry = data.glossary[g.entry];
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = root + "glossary/index.html#term-" + entry.slug;
          a.textContent = entry.term;
          li.appendChild(a);
          if (g.snippet !== null) li.appendChild(snippet(engine, g.snippet, g.stems, []));
          glossList.appendChild(li);
        });
        gloss.hidden = !glossList.children.length;
      }
      if (more) {
        more.hidden = !(res.total > res.hits.length || res.glossary.length > 2);
        more.querySelector("a").href = root + "search/index.html?q=" + encodeURIComponent(q);
      }
      var words = res.total
        ? plural(res.total, "result", "results") + " for \u201c" + q.trim() + "\u201d" + (res.total > res.hits.length ? ", showing the first " + res.hits.length : "")
        : "Nothing in this handbook matches \u201c" + q.trim() + "\u201d" + (data.call && data.call.phone ? ". Call " + data.call.name + " on " + data.call.phone : "") + ", or see the list of run books";
      if (res.glossary.length) words += "; " + plural(res.glossary.length, "glossary entry", "glossary entries");
      say(words + ".");
      showPanel(true);
    }
    function run() {
      var q = input.value;
      if (isPage && window.history && history.replaceState) {
        history.replaceState(null, "", q.trim() ? "?q=" + encodeURIComponent(q) : location.pathname.replace(/^.*\//, ""));
      }
      if (!q.trim()) { clear(); return; }
      var ready = false;
      loadIndex().then(function (engine) {
        ready = true;
        if (input.value !== q) return;
        render(engine, engine.search(q, limit), q);
      }, function () {
        ready = true;
        say("Search could not load. Use the phase pages or the home page to find a run book.", true);
      });
      if (!ready && !window.RUNBOOK_SEARCH_INDEX) say("Loading search\u2026", true);
    }
    function items() {
      var all = [input];
      form.querySelectorAll(".search-note a, [data-search-results] a, [data-search-glossary] a, .search-more a").forEach(function (a) {
        if (a.offsetParent !== null || a.getClientRects().length) all.push(a);
      });
      return all;
    }

    input.addEventListener("focus", function () {
      loadIndex().catch(function () { /* reported when a query runs */ });
      if (list.children.length || (glossList && glossList.children.length)) showPanel(true);
    });
    input.addEventListener("input", run);
    form.addEventListener("submit", function (e) {
      if (isPage) { e.preventDefault(); run(); return; }
      if (!input.value.trim()) e.preventDefault();
    });
    form.addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        if (input.value || (panel && !panel.hidden)) {
          e.preventDefault();
          input.value = "";
          if (isPage) run(); else clear();
          input.focus();
        }
        return;
      }
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var all = items();
      var at = all.indexOf(document.activeElement);
      if (at < 0 || all.length < 2) return;
      var next = e.key === "ArrowDown" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
      e.preventDefault();
      all[next].focus();
    });
    form.addEventListener("focusout", function (e) {
      if (panel && !form.contains(e.relatedTarget)) showPanel(false);
    });
    // Some browsers do not focus a link on click: keep focus in the box so
    // the panel stays open until the click lands.
    if (panel) panel.addEventListener("mousedown", function (e) { e.preventDefault(); });

    if (isPage) {
      var q = new URLSearchParams(location.search).get("q");
      if (q) input.value = q;
      loadIndex().catch(function () { /* reported when a query runs */ });
      if (q) run();
      input.focus();
    }
  }

  document.querySelectorAll("form[data-search]").forEach(setup);
  document.querySelectorAll("[data-search-fallback]").forEach(function (el) { el.hidden = true; });

  // "/" focuses the search box, unless the reader is typing somewhere.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.querySelector("form[data-search]:not([hidden]) input[type=\"search\"]");
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });

  // Arriving from a search result: mark the words that matched.
  var highlight = new URLSearchParams(location.search).get("highlight");
  var main = document.querySelector("main");
  if (highlight && main) {
    loadEngine().then(function (api) {
      var stems = highlight.split(/\s+/).filter(Boolean);
      var none = new Set();
      var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
        acceptNode: function (n) {
          var p = n.parentElement;
          if (!p || !n.data.trim() || p.closest("script, style, mark, nav, form, [data-lead], .search-arrival")) return NodeFilter.FILTER_REJECT;
          return NodeFilter.FILTER_ACCEPT;
        }
      });
      var nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      var count = 0;
      nodes.forEach(function (node) {
        var ranges = api.marks(node.data, stems, [], none);
        for (var i = ranges.length - 1; i >= 0; i--) {
          var r = ranges[i];
          var after = node.splitText(r[0]);
          after.splitText(r[1] - r[0]);
          var m = document.createElement("mark");
          m.className = "search-mark";
          m.textContent = after.data;
          after.parentNode.replaceChild(m, after);
          count++;
        }
      });
      var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
      if (target) {
        var block = target.closest("li, h2, h3, h4, h5, h6, p") || target;
        block.classList.add("search-target");
      }
      if (count) {
        var note = document.createElement("p");
        note.className = "search-arrival";
        note.textContent = "Words from your search are highlighted. ";
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = "Remove highlights";
        button.addEventListener("click", function () {
          main.querySelectorAll("mark.search-mark").forEach(function (m) {
            m.replaceWith(document.createTextNode(m.textContent));
          });
          main.querySelectorAll(".search-target").forEach(function (el) { el.classList.remove("search-target"); });
          main.normalize();
          note.remove();
        });
        note.appendChild(button);
        var h1 = main.querySelector("h1");
        if (h1) h1.insertAdjacentElement("afterend", note); else main.insertBefore(note, main.firstChild);
        // The note moved the page down: bring the matching step back into view.
        if (target) target.scrollIntoView({ block: "center" });
      }
    }).catch(function () { /* the page reads the same without highlights */ });
  }
})();
