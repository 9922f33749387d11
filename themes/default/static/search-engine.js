// runbook search engine: the query rules of src/search/query.rs, in the
// browser. It is loaded only when a reader starts searching (or arrives from
// a search result), together with the edition's search-index.js.
//
// Every rule here mirrors the Rust reference step for step; the file
// tests/search-vectors.json holds both to the same answers. Change one side
// only together with the other.
(function (root) {
  "use strict";

  // ---- Text: words, normalizing, stemming, typo distance (src/search/text.rs)

  // Unicode White_Space, as Rust's char::is_whitespace.
  var WS = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var WS_RUN = new RegExp(WS + "+");
  var WS_ONE = new RegExp("^" + WS + "$");
  var CHUNK = new RegExp("[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+", "g");
  var MARKS = /\p{M}/gu;
  var ALNUM = "[\\p{Alphabetic}\\p{N}]";
  var TRIM_KEY = new RegExp("^[^\\p{Alphabetic}\\p{N}]+|[^\\p{Alphabetic}\\p{N}]+$", "gu");
  var MAX_WORD_CHARS = 40;

  function chars(s) { return Array.from(s); }

  function normalize(word) {
    return word.normalize("NFKD").replace(MARKS, "").toLowerCase()
      .replace(/[\u2018\u2019\u02bc]/g, "'").replace(/^'+|'+$/g, "");
  }

  function normalizeKey(chunk) {
    return chunk.normalize("NFKD").replace(MARKS, "").toLowerCase().replace(TRIM_KEY, "");
  }

  var segmenter = null;
  try { segmenter = new Intl.Segmenter("en", { granularity: "word" }); } catch (e) { segmenter = null; }
  // Browsers without Intl.Segmenter get an approximation of the same rules.
  var FALLBACK_WORD = new RegExp(ALNUM + "+(?:['\u2019.,:_]" + ALNUM + "+)*", "gu");

  /** The words of a text: [{start, raw, norm}], start in UTF-16 units. */
  function words(text) {
    var out = [];
    // A word is cut again at full stops and colons, as in text.rs (WORD_CUTS):
    // Chromium's segmenter splits "report.pdf.exe" where Node's and Rust's
    // do not, and the index must agree with every browser.
    function take(start, whole) {
      var parts = whole.split(/[.:]/), at = 0;
      for (var i = 0; i < parts.length; i++) {
        var raw = parts[i], norm = normalize(raw);
        if (norm && chars(norm).length <= MAX_WORD_CHARS) out.push({ start: start + at, raw: raw, norm: norm });
        at += raw.length + 1;
      }
    }
    if (segmenter) {
      for (var it = segmenter.segment(text)[Symbol.iterator](), s = it.next(); !s.done; s = it.next()) {
        if (s.value.isWordLike) take(s.value.index, s.value.segment);
      }
    } else {
      var m;
      FALLBACK_WORD.lastIndex = 0;
      while ((m = FALLBACK_WORD.exec(text))) take(m.index, m[0]);
    }
    return out;
  }

  function typoBudget(n) { return n <= 4 ? 0 : n <= 8 ? 1 : 2; }

  // Optimal string alignment distance over code points; with `prefix`, the
  // least distance from `a` to any prefix of `b`.
  function osa(a, b, prefix) {
    var n = a.length, m = b.length, i, j;
    var back = new Array(m + 1).fill(0), prev = new Array(m + 1), cur = new Array(m + 1).fill(0), t;
    for (j = 0; j <= m; j++) prev[j] = j;
    for (i = 1; i <= n; i++) {
      cur[0] = i;
      for (j = 1; j <= m; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, back[j - 2] + 1);
        cur[j] = d;
      }
      t = back; back = prev; prev = cur; cur = t;
    }
    if (!prefix) return prev[m];
    var least = n;
    for (j = 0; j <= m; j++) least = Math.min(least, prev[j]);
    return least;
  }
  function distance(a, b) { return osa(chars(a), chars(b), false); }
  function prefixDistance(a, b) { return osa(chars(a), chars(b), true); }

  // ---- Snowball English (Porter 2) stemmer, as in rust-stemmers 1.2
  // (its algorithms/english.sbl), ported rule for rule.

  var EXCEPTIONS = {
    skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie",
    idly: "idl", gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl",
    sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes"
  };
  var EXCEPTIONS2 = ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"];
  var DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
  var STEP2 = [
    ["ational", "ate"], ["fulness", "ful"], ["iveness", "ive"], ["ization", "ize"], ["ousness", "ous"],
    ["biliti", "ble"], ["lessli", "less"], ["tional", "tion"],
    ["alism", "al"], ["aliti", "al"], ["ation", "ate"], ["entli", "ent"], ["fulli", "ful"], ["iviti", "ive"], ["ousli", "ous"],
    ["abli", "able"], ["alli", "al"], ["anci", "ance"], ["ator", "ate"], ["enci", "ence"], ["izer", "ize"],
    ["bli", "ble"], ["ogi", "og"], ["li", ""]
  ];
  var STEP3 = [
    ["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"], ["ative", ""],
    ["ical", "ic"], ["ness", ""], ["ful", ""]
  ];
  var STEP4 = ["ement", "ance", "ence", "able", "ible", "ment", "ism", "ate", "iti", "ous", "ive", "ize", "ion", "ant", "ent", "al", "er", "ic"];

  function isV(c) { return c !== undefined && c.length === 1 && "aeiouy".indexOf(c) >= 0; }
  function ends(w, s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
  function longest(w, list) {
    for (var i = 0; i < list.length; i++) { var s = typeof list[i] === "string" ? list[i] : list[i][0]; if (ends(w, s)) return list[i]; }
    return null;
  }
  // Past the first vowel and then the first non-vowel from `c`, or -1.
  function gopastVNonV(w, c) {
    while (c < w.length && !isV(w[c])) c++;
    if (c >= w.length) return -1;
    c++;
    while (c < w.length && isV(w[c])) c++;
    if (c >= w.length) return -1;
    return c + 1;
  }
  // A short syllable ends at `pos`.
  function shortv(w, pos) {
    if (pos >= 3 && !isV(w[pos - 1]) && "wxY".indexOf(w[pos - 1]) < 0 && isV(w[pos - 2]) && !isV(w[pos - 3])) return true;
    return pos === 2 && !isV(w[1]) && isV(w[0]);
  }

  function stemBmp(word) {
    if (Object.prototype.hasOwnProperty.call(EXCEPTIONS, word)) return EXCEPTIONS[word];
    if (word.length < 3) return word;
    var w = word, yFound = false, i;
    // prelude
    if (w[0] === "'") w = w.slice(1);
    if (w[0] === "y") { w = "Y" + w.slice(1); yFound = true; }
    for (i = 1; i < w.length; i++) {
      if (w[i] === "y" && isV(w[i - 1])) { w = w.slice(0, i) + "Y" + w.slice(i + 1); yFound = true; }
    }
    // mark_regions
    var p1 = w.length, p2 = w.length, c;
    if (w.indexOf("gener") === 0 || w.indexOf("arsen") === 0) c = 5;
    else if (w.indexOf("commun") === 0) c = 6;
    else c = gopastVNonV(w, 0);
    if (c >= 0) {
      p1 = c;
      var c2 = gopastVNonV(w, c);
      if (c2 >= 0) p2 = c2;
    }
    // Step 1a
    if (ends(w, "'s'")) w = w.slice(0, -3);
    else if (ends(w, "'s")) w = w.slice(0, -2);
    else if (ends(w, "'")) w = w.slice(0, -1);
    if (ends(w, "sses")) w = w.slice(0, -4) + "ss";
    else if (ends(w, "ied") || ends(w, "ies")) w = w.slice(0, -3) + (w.length - 3 >= 2 ? "i" : "ie");
    else if (ends(w, "us") || ends(w, "ss")) { /* unchanged */ }
    else if (ends(w, "s")) {
      var before = w.length - 1;
      if (before >= 1) {
        for (i = before - 2; i >= 0; i--) if (isV(w[i])) { w = w.slice(0, -1); break; }
      }
    }
    if (EXCEPTIONS2.indexOf(w) < 0) {
      // Step 1b
      var suf;
      if (ends(w, "eedly") || ends(w, "eed")) {
        suf = ends(w, "eedly") ? 5 : 3;
        if (w.length - suf >= p1) w = w.slice(0, -suf) + "ee";
      } else {
        suf = longest(w, ["ingly", "edly", "ing", "ed"]);
        if (suf) {
          var end = w.length - suf.length, hasV = false;
          for (i = 0; i < end; i++) if (isV(w[i])) { hasV = true; break; }
          if (hasV) {
            w = w.slice(0, end);
            if (ends(w, "at") || ends(w, "bl") || ends(w, "iz")) w += "e";
            else if (longest(w, DOUBLES)) w = w.slice(0, -1);
            else if (w.length === p1 && shortv(w, w.length)) w += "e";
          }
        }
      }
      // Step 1c
      var last = w[w.length - 1];
      if ((last === "y" || last === "Y") && w.length >= 3 && !isV(w[w.length - 2])) w = w.slice(0, -1) + "i";
      // Step 2
      var r = longest(w, STEP2);
      if (r && w.length - r[0].length >= p1) {
        var at = w.length - r[0].length;
        if (r[0] === "ogi") { if (w[at - 1] === "l") w = w.slice(0, at) + "og"; }
        else if (r[0] === "li") { if (at >= 1 && "cdeghkmnrt".indexOf(w[at - 1]) >= 0) w = w.slice(0, at); }
        else w = w.slice(0, at) + r[1];
      }
      // Step 3
      r = longest(w, STEP3);
      if (r && w.length - r[0].length >= p1) {
        var at3 = w.length - r[0].length;
        if (r[0] === "ative") { if (at3 >= p2) w = w.slice(0, at3); }
        else w = w.slice(0, at3) + r[1];
      }
      // Step 4
      var s4 = longest(w, STEP4);
      if (s4 && w.length - s4.length >= p2) {
        var at4 = w.length - s4.length;
        if (s4 === "ion") { if (w[at4 - 1] === "s" || w[at4 - 1] === "t") w = w.slice(0, at4); }
        else w = w.slice(0, at4);
      }
      // Step 5
      var pos = w.length - 1;
      if (w[pos] === "e") {
        if (pos >= p2 || (pos >= p1 && !shortv(w, pos))) w = w.slice(0, pos);
      } else if (w[pos] === "l") {
        if (pos >= p2 && w[pos - 1] === "l") w = w.slice(0, pos);
      }
    }
    if (yFound) w = w.replace(/Y/g, "y");
    return w;
  }

  /** The Snowball English stem of a normalized word. */
  function stem(word) {
    if (!/[\ud800-\udfff]/.test(word)) return stemBmp(word);
    // Characters beyond the BMP are two UTF-16 units; stand each in for one
    // private-use character (a non-vowel, like them) so lengths agree.
    var map = {}, back = {}, next = 0xe000, out = "";
    chars(word).forEach(function (ch) {
      if (ch.length === 1) { out += ch; return; }
      if (!map[ch]) {
        while (word.indexOf(String.fromCharCode(next)) >= 0) next++;
        map[ch] = String.fromCharCode(next++);
        back[map[ch]] = ch;
      }
      out += map[ch];
    });
    return chars(stemBmp(out)).map(function (ch) { return back[ch] || ch; }).join("");
  }

  // ---- Query rules (src/search/query.rs)

  var EXACT = 1.0, PREFIX = 0.8, TYPO1 = 0.6, TYPO2 = 0.45, PREFIX_TYPO = 0.5, SYNONYM = 0.5, KEY_WORDS = 0.8;
  var PER_RUNBOOK = 3, EDGE_PHASE = 0.7, NAME_SHARE = 0.5;
  // Block kinds (src/search/index.rs Kind).
  var TITLE = 0, ALIAS = 1, SUMMARY = 4, INTRO = 5, PHASE_NAME = 6, HEADING = 7, PARAGRAPH = 9, GLOSSARY_TERM = 10;
  var GLOSSARY_DEFINITION = 12, PHASE_DESCRIPTION = 13;
  function isRunbookLevel(k) { return k <= INTRO; }
  // What the run book's overview page says about the situation: its title,
  // aliases, summary and introduction (alerts and ATT&CK IDs lead to a phase).
  function isSituation(k) { return k === TITLE || k === ALIAS || k === SUMMARY || k === INTRO; }
  function isPhaseBody(k) { return k >= HEADING && k <= PARAGRAPH; }
  function isGlossary(k) { return k >= GLOSSARY_TERM && k <= GLOSSARY_DEFINITION; }
  // A phase's name and phase words, or its description: seen by every run book.
  function isPhaseName(k) { return k === PHASE_NAME || k === PHASE_DESCRIPTION; }

  function Engine(data) {
    if (!data || data.version !== 2) throw new Error("search index format not supported");
    this.data = data;
    this.stop = new Set(data.stop);
    this.termIndex = new Map();
    for (var i = 0; i < data.terms.length; i++) this.termIndex.set(data.terms[i], i);
    this.termChars = data.terms.map(function (t) { return chars(t); });
    this.decoded = new Array(data.terms.length);
    // Scopes are numbered: run books' alerts and IDs, then their situation
    // blocks, then their phases, then phase names, then glossary entries.
    var R = data.runbooks.length;
    this.R = R;
    this.scopeOf = data.blocks.map(function (b) {
      var k = b[0], d = b[1];
      if (isSituation(k)) return R + d;
      if (isRunbookLevel(k)) return d;
      if (isPhaseName(k)) return 8 * R + d;
      if (isGlossary(k)) return 8 * R + 6 + d;
      return 2 * R + d;
    });
    this.weightOf = data.blocks.map(function (b) { return data.weights[b[0]]; });
  }

  Engine.prototype.posting = function (t) {
    var cached = this.decoded[t];
    if (cached) return cached;
    var deltas = this.data.postings[t] || [], at = 0, out = new Array(deltas.length);
    for (var i = 0; i < deltas.length; i++) { at += deltas[i]; out[i] = at; }
    this.decoded[t] = out;
    return out;
  };

  Engine.prototype.parse = function (query) {
    var data = this.data, stop = this.stop;
    var lastChar = chars(query).pop();
    var open = lastChar !== undefined && !WS_ONE.test(lastChar);
    var chunks = query.split(WS_RUN).filter(Boolean);
    var terms = [];
    chunks.forEach(function (chunk, ci) {
      var key = normalizeKey(chunk);
      var ws = words(chunk);
      if (Object.prototype.hasOwnProperty.call(data.keys, key)) {
        terms.push({ key: key, stems: ws.filter(function (w) { return !stop.has(w.norm); }).map(function (w) { return stem(w.norm); }) });
        return;
      }
      ws.forEach(function (w, wi) {
        terms.push({ norm: w.norm, stem: stem(w.norm), open: open && ci + 1 === chunks.length && wi === ws.length - 1 });
      });
    });
    function isStop(t) { return t.norm !== undefined && stop.has(t.norm); }
    if (terms.some(function (t) { return !isStop(t); })) terms = terms.filter(function (t) { return !isStop(t); });
    return terms;
  };

  // Matches of one alternative, by scope: scope → flat list of (block,
  // score, stem, key) quadruples (flat, so a query allocates little). `rb`
  // flags the run books with a match, to skip the others quickly.
  function Found(R) { this.byScope = new Map(); this.R = R; this.rb = new Uint8Array(R); this.everywhere = false; }
  Found.prototype.add = function (scope, block, score, stem, key) {
    var list = this.byScope.get(scope);
    if (!list) { list = []; this.byScope.set(scope, list); }
    list.push(block, score, stem, key ? 1 : 0);
    var R = this.R;
    if (scope < 2 * R) this.rb[scope % R] = 1;
    else if (scope < 8 * R) this.rb[Math.floor((scope - 2 * R) / 6)] = 1;
    else if (scope < 8 * R + 6) this.everywhere = true;
  };
  Found.prototype.mayMatch = function (r) { return this.everywhere || this.rb[r] === 1; };
  // The best score in each scope, worked out once: every page of a run book
  // asks for its run book's scopes again. Scores are final by then
  // (scaleAliases runs before any page is scored).
  Found.prototype.best = function (scopes) {
    var s = 0, max = this.max;
    if (!max) {
      max = this.max = new Map();
      this.byScope.forEach(function (list, scope) {
        var m = 0;
        for (var j = 1; j < list.length; j += 4) if (list[j] > m) m = list[j];
        max.set(scope, m);
      });
    }
    for (var i = 0; i < scopes.length; i++) {
      var m = max.get(scopes[i]);
      if (m > s) s = m;
    }
    return s;
  };
  // The best of the run book's blocks plus the best of the phase's plus the
  // best of the phase's name blocks (summed apart, as in query.rs).
  Found.prototype.score = function (doc) { return this.best(doc.own) + this.best(doc.phase) + NAME_SHARE * this.best(doc.name); };
  Found.prototype.each = function (doc, fn) {
    for (var l = 0; l < 3; l++) {
      var scopes = l === 0 ? doc.own : l === 1 ? doc.phase : doc.name;
      for (var i = 0; i < scopes.length; i++) {
        var list = this.byScope.get(scopes[i]);
        if (list) for (var j = 0; j < list.length; j += 4) fn(list[j], list[j + 1], list[j + 2], list[j + 3]);
      }
    }
  };

  Engine.prototype.addStem = function (found, t, quality) {
    var p = this.posting(t);
    for (var i = 0; i < p.length; i++) found.add(this.scopeOf[p[i]], p[i], this.weightOf[p[i]] * quality, t, false);
  };

  Engine.prototype.candidates = function (norm, stemText, open) {
    var out = new Map();
    function offer(t, q) { if (!(out.get(t) >= q)) out.set(t, q); }
    var terms = this.data.terms, termChars = this.termChars, i;
    var ex = this.termIndex.get(stemText);
    if (ex !== undefined) offer(ex, EXACT);
    var cs = chars(norm), n = cs.length;
    if (open && n >= 2) {
      for (i = 0; i < terms.length; i++) if (terms[i].lastIndexOf(norm, 0) === 0) offer(i, PREFIX);
      for (var len = Math.max(n - 3, 4); len < n; len++) {
        var head = this.termIndex.get(cs.slice(0, len).join(""));
        if (head !== undefined) offer(head, PREFIX);
      }
    }
    // Typos: the typed word against stems within its budget, and its stem
    // against stems within the stem's own (shorter) budget; only for a word
    // the edition does not hold as it is.
    var sc = chars(stemText), stemLen = sc.length;
    var budget = typoBudget(n), stemBudget = typoBudget(stemLen);
    if ((budget > 0 || stemBudget > 0) && ex === undefined) {
      var first = cs[0];
      for (i = 0; i < terms.length; i++) {
        var tc = termChars[i];
        if (tc[0] !== first) continue;
        var tl = tc.length, d = Infinity, x;
        if (budget > 0 && Math.abs(tl - n) <= budget) { x = osa(cs, tc, false); if (x <= budget) d = Math.min(d, x); }
        if (stemBudget > 0 && Math.abs(tl - stemLen) <= stemBudget) { x = osa(sc, tc, false); if (x <= stemBudget) d = Math.min(d, x); }
        if (d === 0) offer(i, EXACT);
        else if (d === 1) offer(i, TYPO1);
        else if (d === 2) offer(i, TYPO2);
        if (open && budget > 0 && tl + budget >= n && osa(cs, tc, true) <= budget) offer(i, PREFIX_TYPO);
      }
    }
    return out;
  };

  Engine.prototype.stemsFound = function (stems) {
    var self = this;
    return stems.map(function (s) {
      var f = new Found(self.R), t = self.termIndex.get(s);
      if (t !== undefined) self.addStem(f, t, EXACT);
      return f;
    });
  };

  Engine.prototype.alternatives = function (term) {
    var self = this, alts = [], direct = new Found(this.R);
    if (term.key === undefined) {
      // In stem order, as the Rust BTreeMap iterates.
      var cands = Array.from(this.candidates(term.norm, term.stem, term.open)).sort(function (a, b) { return a[0] - b[0]; });
      cands.forEach(function (c) { self.addStem(direct, c[0], c[1]); });
      alts.push({ direct: direct });
      var isSelf = function (m) { return m.length === 1 && m[0] === term.stem; };
      this.data.synonyms.forEach(function (group) {
        if (!group.some(isSelf)) return;
        group.forEach(function (m) { if (!isSelf(m)) alts.push({ quality: SYNONYM, parts: self.stemsFound(m) }); });
      });
    } else {
      (this.data.keys[term.key] || []).forEach(function (b) {
        direct.add(self.scopeOf[b], b, self.data.key_weight, -1, true);
      });
      alts.push({ direct: direct });
      if (term.stems.length) alts.push({ quality: KEY_WORDS, parts: this.stemsFound(term.stems) });
    }
    return alts;
  };

  // Whether any alternative of a term can match somewhere in run book r.
  function mayMatch(alts, r) {
    for (var a = 0; a < alts.length; a++) {
      var alt = alts[a];
      if (alt.direct) { if (alt.direct.mayMatch(r)) return true; continue; }
      var all = true;
      for (var p = 0; p < alt.parts.length; p++) if (!alt.parts[p].mayMatch(r)) { all = false; break; }
      if (all && alt.parts.length) return true;
    }
    return false;
  }

  function altScore(alt, doc) {
    if (alt.direct) return alt.direct.score(doc);
    var least = Infinity;
    for (var p = 0; p < alt.parts.length; p++) least = Math.min(least, alt.parts[p].score(doc));
    return least > 0 && isFinite(least) ? alt.quality * least : 0;
  }

  // A document's score and matched blocks (block → {count, total, stems,
  // key}), or null when a term does not match it.
  // With `partial`, a term that does not match is skipped instead, and the
  // document fails only when no term matches; `matched` flags the terms that did.
  // `weights` (or null for 1) multiplies each term's score.
  function scoreDoc(terms, doc, partial, weights) {
    var total = 0, blocks = new Map(), i, a, any = false;
    var bests = new Array(terms.length), scores = new Array(terms.length), matched = new Array(terms.length);
    // Scores first: most documents fail a term, and cost nothing more.
    for (i = 0; i < terms.length; i++) {
      var best = 0, ss = new Array(terms[i].length);
      for (a = 0; a < terms[i].length; a++) { ss[a] = altScore(terms[i][a], doc); if (ss[a] > best) best = ss[a]; }
      matched[i] = best > 0;
      if (!matched[i] && !partial) return null;
      if (matched[i]) any = true;
      bests[i] = best;
      scores[i] = ss;
    }
    if (!any) return null;
    for (i = 0; i < terms.length; i++) {
      if (!matched[i]) continue;
      var mine = new Map();
      var take = function (block, score, stem, key) {
        var e = mine.get(block);
        if (!e) { e = { score: 0, stems: [], key: false }; mine.set(block, e); }
        if (score > e.score) e.score = score;
        if (stem >= 0 && e.stems.indexOf(stem) < 0) e.stems.push(stem);
        if (key) e.key = true;
      };
      // The blocks of the best alternative(s) count.
      for (a = 0; a < terms[i].length; a++) {
        if (scores[i][a] <= 0 || scores[i][a] < bests[i]) continue;
        var alt = terms[i][a];
        if (alt.direct) alt.direct.each(doc, take);
        else for (var p = 0; p < alt.parts.length; p++) alt.parts[p].each(doc, take);
      }
      total += weights ? bests[i] * weights[i] : bests[i];
      mine.forEach(function (m, b) {
        var e = blocks.get(b);
        if (!e) { e = { count: 0, total: 0, stems: [], key: false }; blocks.set(b, e); }
        e.count += 1;
        e.total += m.score;
        for (var k = 0; k < m.stems.length; k++) if (e.stems.indexOf(m.stems[k]) < 0) e.stems.push(m.stems[k]);
        if (m.key) e.key = true;
      });
    }
    return { score: total, blocks: blocks, matched: matched };
  }

  // The block that best shows why a document matched: most terms, then the
  // highest total, then the first.
  Engine.prototype.bestBlock = function (blocks, allowed) {
    var data = this.data, best = null;
    var ids = Array.from(blocks.keys()).sort(function (a, b) { return a - b; });
    ids.forEach(function (b) {
      if (!allowed(data.blocks[b][0])) return;
      var m = blocks.get(b);
      if (best === null || m.count > best.count || (m.count === best.count && m.total > best.total)) best = { count: m.count, total: m.total, b: b };
    });
    return best === null ? null : best.b;
  };

  // Rust sorts strings by code point; so do we.
  function byCodePoint(a, b) {
    var x = chars(a), y = chars(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
    }
    return x.length - y.length;
  }

  Engine.prototype.stemsAndKeys = function (blocks, terms) {
    var data = this.data, stems = new Set(), anyKey = false, keys = [];
    blocks.forEach(function (m) {
      m.stems.forEach(function (t) { stems.add(data.terms[t]); });
      if (m.key) anyKey = true;
    });
    if (anyKey) {
      terms.forEach(function (t) { if (t.key !== undefined && keys.indexOf(t.key) < 0) keys.push(t.key); });
      keys.sort(byCodePoint);
    }
    return { stems: Array.from(stems).sort(byCodePoint), keys: keys };
  };

  /**
   * Runs a query: {hits: [{runbook, phase, score, anchor, snippet, stems, keys}],
   * total, glossary: [{entry, score, snippet, stems}]}.
   */
  Engine.prototype.search = function (query, limit) {
    var self = this, data = this.data, R = this.R;
    var terms = [], alts = [], ignored = [];
    // Words found nowhere in the edition are dropped, and listed.
    this.parse(query).forEach(function (t) {
      var a = self.alternatives(t);
      if (known(a)) { terms.push(t); alts.push(a); return; }
      var n = t.key !== undefined ? t.key : t.norm;
      if (ignored.indexOf(n) < 0) ignored.push(n);
    });
    if (!terms.length) return { hits: [], total: 0, glossary: [], ignored: ignored, partial: false };
    this.scaleAliases(alts);
    var ranked = this.runbookHits(terms, alts), all = ranked.hits, partial = ranked.partial;
    var glossary = [];
    data.glossary.forEach(function (entry, g) {
      var s = scoreDoc(alts, { own: [8 * R + 6 + g], phase: [], name: [] }, false);
      if (!s) return;
      var snippet = self.bestBlock(s.blocks, function (k) { return k !== GLOSSARY_TERM; });
      if (snippet === null && entry.definition !== null && entry.definition !== undefined) snippet = entry.definition;
      glossary.push({ entry: g, score: s.score, snippet: snippet, stems: self.stemsAndKeys(s.blocks, terms).stems });
    });
    glossary.sort(function (a, b) { return (b.score - a.score) || (a.entry - b.entry); });
    return { hits: all.slice(0, limit), total: all.length, glossary: glossary.slice(0, limit), ignored: ignored, partial: partial };
  };

  // Aliases match as phrases: a match in an alias of n words that only c < n
  // of the query's terms match counts c / n of its weight (as query.rs).
  var ALIAS = 1, GLOSSARY_ALIAS = 11;
  Engine.prototype.scaleAliases = function (alts) {
    var data = this.data, stop = this.stop, count = new Map(), size = new Map();
    function founds(alt) { return alt.direct ? [alt.direct] : alt.parts; }
    function each(fn) {
      alts.forEach(function (term, ti) {
        term.forEach(function (alt) {
          founds(alt).forEach(function (f) {
            f.byScope.forEach(function (list) { for (var j = 0; j < list.length; j += 4) fn(ti, list, j); });
          });
        });
      });
    }
    var seen = alts.map(function () { return new Set(); });
    each(function (ti, list, j) {
      var k = data.blocks[list[j]][0];
      if (k === ALIAS || k === GLOSSARY_ALIAS) seen[ti].add(list[j]);
    });
    seen.forEach(function (set) { set.forEach(function (b) { count.set(b, (count.get(b) || 0) + 1); }); });
    if (!count.size) return;
    // An alias's size in words, counted once per engine (splitting text
    // into words is most of a query's cost otherwise).
    var sizes = this.aliasSizes || (this.aliasSizes = new Map());
    count.forEach(function (c, b) {
      if (!sizes.has(b)) sizes.set(b, words(data.blocks[b][2]).filter(function (w) { return !stop.has(w.norm); }).length);
      size.set(b, sizes.get(b));
    });
    each(function (ti, list, j) {
      var c = count.get(list[j]);
      if (c !== undefined && c < size.get(list[j])) list[j + 1] *= c / size.get(list[j]);
    });
  };

  // True when a term can match somewhere in the edition.
  function known(alts) {
    return alts.some(function (alt) {
      if (alt.direct) return alt.direct.byScope.size > 0;
      return alt.parts.length > 0 && alt.parts.every(function (p) { return p.byScope.size > 0; });
    });
  }

  // How much each term counts: a word that every run book holds counts
  // once, one that only one of R holds nearly twice: 1 + (R - df) / (R + df),
  // where df counts the run books holding it in their own blocks or a
  // phase's text (phase names, shared by all, do not count). As query.rs
  // term_weights; plain arithmetic, so both sides agree to the last bit.
  function termWeights(alts, R) {
    return alts.map(function (a) {
      var df = 0;
      for (var r = 0; r < R; r++) {
        for (var i = 0; i < a.length; i++) {
          var alt = a[i], holds;
          if (alt.direct) holds = alt.direct.rb[r] === 1;
          else {
            holds = alt.parts.length > 0;
            for (var p = 0; p < alt.parts.length && holds; p++) holds = alt.parts[p].rb[r] === 1;
          }
          if (holds) { df++; break; }
        }
      }
      return 1 + (R - df) / (R + df);
    });
  }

  // Every run book's hits, run books best first, and whether no page held
  // every word (as query.rs runbook_hits): {hits, partial}.
  Engine.prototype.runbookHits = function (terms, alts) {
    var self = this, data = this.data, R = this.R, n = terms.length, partial = true;
    var groups = [], weights = termWeights(alts, R);
    data.runbooks.forEach(function (rb, r) {
      var may = false;
      for (var i = 0; i < alts.length && !may; i++) may = mayMatch(alts[i], r);
      if (!may) return;
      var own = [r, R + r], docs = [], covered = 0, seen = new Array(n).fill(false);
      // Six phases, then the overview (phase null), whose own text is the
      // run book's situation blocks.
      for (var p = 0; p <= 6; p++) {
        var overview = p === 6;
        var doc = overview ? { own: own, phase: [R + r], name: [] } : { own: own, phase: [2 * R + r * 6 + p], name: [8 * R + p] };
        var s = scoreDoc(alts, doc, true, weights);
        if (!s) continue;
        var specific = false, asked = false, score = s.score, held = 0;
        s.blocks.forEach(function (e, b) {
          var k = data.blocks[b][0];
          if (overview ? isSituation(k) : (isPhaseBody(k) || isPhaseName(k))) specific = true;
          // The phase's name or phase words, not only its description (an
          // everyday sentence): the query asks about this phase.
          if (k === PHASE_NAME) asked = true;
        });
        // An overview found only by an alert is not listed: the home phase
        // is where such a reader starts (and every phase sees what it holds).
        if (overview && !specific) continue;
        if ((p === 0 || p === 5) && !asked) score *= EDGE_PHASE;
        s.matched.forEach(function (m, t) {
          if (!m) return;
          held++;
          if (!seen[t]) { seen[t] = true; covered++; }
        });
        if (held === n) partial = false;
        docs.push({ phase: overview ? null : p, score: score, blocks: s.blocks, specific: specific, held: held, asked: asked });
      }
      var most = 0;
      docs.forEach(function (x) { most = Math.max(most, x.held); });
      // The pages that hold the most words; of those, the ones whose own
      // text matched, best first (the home phase, then phase order, among
      // equals).
      var chosen = docs.filter(function (x) { return x.held === most; });
      if (chosen.some(function (x) { return x.specific; })) chosen = chosen.filter(function (x) { return x.specific; });
      var order = function (x) { return x.phase === null || x.phase === rb.home ? 0 : 1 + x.phase; };
      chosen.sort(function (a, b) { return (b.score - a.score) || (order(a) - order(b)); });
      if (!chosen.length) return;
      var value = chosen[0].score * covered / n;
      // The overview leads when it is listed, unless the best phase is one
      // the query asks about.
      for (var at = 0; at < chosen.length; at++) {
        if (chosen[at].phase !== null) continue;
        var ov = chosen.splice(at, 1)[0];
        chosen.splice(chosen.length && chosen[0].asked ? 1 : 0, 0, ov);
        break;
      }
      chosen = chosen.slice(0, chosen[0].specific ? PER_RUNBOOK : 1);
      var hits = chosen.map(function (x) {
        // A phase shows its own block, else the run book's best one (an
        // alias, an alert); the overview its own (an alias, a line of the
        // introduction). Failing that, the summary, which the overview page
        // shows first.
        var body = x.phase === null ? null : self.bestBlock(x.blocks, isPhaseBody);
        var snippet = x.phase === null
          ? self.bestBlock(x.blocks, function (k) { return isSituation(k) && k !== TITLE; })
          : body !== null ? body : self.bestBlock(x.blocks, function (k) { return isRunbookLevel(k) && k !== TITLE; });
        if (snippet === null && rb.summary !== null && rb.summary !== undefined) snippet = rb.summary;
        var sk = self.stemsAndKeys(x.blocks, terms);
        return {
          runbook: r, phase: x.phase, score: x.score,
          anchor: body === null ? "" : data.blocks[body][3],
          snippet: snippet, stems: sk.stems, keys: sk.keys
        };
      });
      groups.push({ value: value, r: r, hits: hits });
    });
    // Run books by their best page times the share of the query's words the
    // run book holds on any of its pages.
    groups.sort(function (a, b) { return (b.value - a.value) || (a.r - b.r); });
    var all = [];
    groups.forEach(function (g) { all = all.concat(g.hits); });
    return { hits: all, partial: partial };
  };

  /** The pieces of `text` to mark: [[start, end]] in UTF-16 units, in order. */
  function marks(text, stems, keys, stop) {
    var ranges = [], m;
    if (keys.length) {
      CHUNK.lastIndex = 0;
      while ((m = CHUNK.exec(text))) {
        var k = normalizeKey(m[0]);
        if (keys.some(function (key) { return k === key || k.lastIndexOf(key + ".", 0) === 0; })) {
          var trimmed = m[0].replace(TRIM_KEY, "");
          var offset = m[0].indexOf(trimmed);
          ranges.push([m.index + offset, m.index + offset + trimmed.length]);
        }
      }
    }
    words(text).forEach(function (w) {
      if (!stop.has(w.norm) && stems.indexOf(stem(w.norm)) >= 0) ranges.push([w.start, w.start + w.raw.length]);
    });
    ranges.sort(function (a, b) { return (a[0] - b[0]) || (a[1] - b[1]); });
    var out = [];
    ranges.forEach(function (r) { if (!out.length || r[0] >= out[out.length - 1][1]) out.push(r); });
    return out;
  }
  Engine.prototype.marks = function (text, stems, keys) { return marks(text, stems, keys || [], this.stop); };

  var api = {
    Engine: Engine, normalize: normalize, normalizeKey: normalizeKey, words: words, stem: stem,
    distance: distance, prefixDistance: prefixDistance, typoBudget: typoBudget, marks: marks
  };
  root.RunbookSearch = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
