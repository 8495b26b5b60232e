// casefile search: loads the manifest and the site language's stemmer, then one index
// shard per query word and the records of the hits it shows. Query words become terms
// exactly as the build made the index's terms (src/publish/search.rs): lowercased,
// stemmed by the same Snowball algorithm, accents folded. A word of five letters or more
// that is not in the index matches terms one edit away (a typo) in the shard it loaded.
// Results are built with DOM methods only (textContent, createElement); index text is
// never parsed as HTML. Without JavaScript the search page still lists every entry.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.TextEncoder || !String.prototype.normalize) return;
  var base = form.getAttribute("data-index");
  // The page's own words (its language's), with English where a theme gives none.
  var ui = {
    one: form.getAttribute("data-one-result") || "1 result",
    many: form.getAttribute("data-results") || "{n} results",
    best: form.getAttribute("data-showing-best") || " (showing the best {n})",
    unavailable: form.getAttribute("data-unavailable") || "Search is unavailable right now. Every entry is listed below."
  };
  var input = form.querySelector("input[name=q]");
  var select = form.querySelector("select[name=section]");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var PAGE = 20;
  var FORMAT = 2;
  var MAX_CHARS = 32;
  var TYPO_MIN_CHARS = 5;
  var MAX_KEY_CHARS = 8;
  // Prefix completion of the last word loads at most this many shards below its own.
  var MAX_PREFIX_SHARDS = 4;
  var ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  // Letters, digits and combining marks: the index's words (Analyzer::words).
  var WORD = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
  var MARKS = /\p{M}/gu;
  // Latin letters that NFKD does not decompose (search::fold).
  var SPELLED = { "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };
  var manifest = null, shards = new Map(), chunks = new Map(), shardNames = null, stop = null, stemmer = null;

  function json(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }
  function loadManifest() {
    if (!manifest) manifest = json(base + "manifest.json").then(function (m) {
      if (m.version !== FORMAT) throw new Error("search index format " + m.version + ", expected " + FORMAT);
      shardNames = new Set(m.shards);
      stop = new Set(m.stop_words);
      if (!m.stemmer) return m;
      return import(base + m.stemmer).then(function (module) {
        stemmer = new module.default();
        return m;
      });
    });
    return manifest;
  }

  function fold(word) {
    return Array.from(word.normalize("NFKD").replace(MARKS, ""), function (c) {
      var lower = c.toLowerCase();
      return SPELLED[lower] || lower;
    }).join("");
  }
  function stem(word) { return stemmer ? stemmer.stem(word) : word; }
  // The surface words of a text, each with its offset: lowercased, cut to 32 characters,
  // stop words and one-letter words left out.
  function words(text) {
    var out = [];
    var re = new RegExp(WORD.source, "gu"), m;
    while ((m = re.exec(text))) {
      var chars = Array.from(m[0]);
      if (chars.length < 2) continue;
      var word = chars.slice(0, MAX_CHARS).join("").toLowerCase();
      if (!stop.has(word)) out.push({ word: word, at: m.index, text: m[0] });
    }
    return out;
  }
  // A word's terms: its folded stem, and the stem of its folded form (Analyzer::terms).
  function terms(word) {
    var stemmed = fold(stem(word)), folded = fold(word);
    if (folded === word) return [stemmed];
    var other = fold(stem(folded));
    return other === stemmed ? [stemmed] : [stemmed, other];
  }
  function shardKey(term, chars) {
    var bytes = new TextEncoder().encode(Array.from(term).slice(0, chars).join(""));
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  // A term lives in the shard named by its longest prefix (two characters or more) that
  // names a shard: a large shard was split by one more character (search::shard_terms).
  function shardFor(term) {
    for (var n = Math.min(Array.from(term).length, MAX_KEY_CHARS); n >= 2; n--) {
      var key = shardKey(term, n);
      if (shardNames.has(key)) return key;
    }
    return null;
  }
  // The shards of a term, and for the last word (a prefix of three characters or more)
  // the first few shards of longer terms that start with it.
  function shardsFor(term, prefixSearch) {
    var own = shardFor(term), keys = own ? [own] : [];
    if (prefixSearch && Array.from(term).length >= 3) {
      var key = shardKey(term, MAX_KEY_CHARS);
      Array.from(shardNames)
        .filter(function (k) { return k !== own && k.length > key.length && k.indexOf(key) === 0; })
        .sort(function (a, b) { return a.length - b.length || (a < b ? -1 : 1); })
        .slice(0, MAX_PREFIX_SHARDS)
        .forEach(function (k) { keys.push(k); });
    }
    return keys;
  }
  // A term's postings, from [[doc gaps], "weight digits", [doc, title words, ...]]
  // (search::encode_postings): [doc, weight, title words or 0] each.
  function postings(entry) {
    var titles = new Map(), t = entry[2] || [], out = [], doc = 0;
    for (var i = 0; i < t.length; i += 2) titles.set(t[i], t[i + 1]);
    for (var j = 0; j < entry[0].length; j++) {
      doc += entry[0][j];
      out.push([doc, 1 << (entry[1].charCodeAt(j) - 49), titles.get(doc) || 0]);
    }
    return out;
  }
  // The spellings one edit away from a word (a letter deleted, swapped with the next,
  // replaced or inserted), that keep its first two letters: those name the shard.
  function variants(chars) {
    var out = [], n = chars.length, letters = ALPHABET.split("");
    var put = function (list) { out.push(list.join("")); };
    for (var i = 2; i <= n; i++) {
      if (i < n) put(chars.slice(0, i).concat(chars.slice(i + 1)));
      if (i + 1 < n) put(chars.slice(0, i).concat([chars[i + 1], chars[i]], chars.slice(i + 2)));
      letters.forEach(function (c) {
        if (i < n && c !== chars[i]) put(chars.slice(0, i).concat([c], chars.slice(i + 1)));
        put(chars.slice(0, i).concat([c], chars.slice(i)));
      });
    }
    return out;
  }
  function shard(key) {
    if (!shards.has(key)) shards.set(key, json(base + "index/" + key + ".json"));
    return shards.get(key);
  }
  function record(m, id) {
    var n = Math.floor(id / m.chunk);
    if (!chunks.has(n)) chunks.set(n, json(base + "docs/" + n + ".json"));
    return chunks.get(n).then(function (c) { return c[id - n * m.chunk]; });
  }
  function group(m, id) {
    return m.groups.find(function (g) { return id >= g.start && id < g.end; });
  }

  // Whether a and b are at most one edit apart: a letter inserted, deleted, replaced, or
  // two neighbours swapped (optimal string alignment distance 1).
  function oneEdit(a, b) {
    if (a === b) return true;
    var x = Array.from(a), y = Array.from(b);
    if (Math.abs(x.length - y.length) > 1) return false;
    var i = 0;
    while (i < x.length && i < y.length && x[i] === y[i]) i++;
    var rest = function (s, from) { return s.slice(from).join(""); };
    if (x.length === y.length) {
      return rest(x, i + 1) === rest(y, i + 1) ||
        (x[i] === y[i + 1] && x[i + 1] === y[i] && rest(x, i + 2) === rest(y, i + 2));
    }
    var longer = x.length > y.length ? x : y, shorter = longer === x ? y : x;
    return rest(longer, i + 1) === rest(shorter, i);
  }

  // The documents one query word finds, each with its score and, when the word is in its
  // title, the title's length in words (else 0). Exact terms weigh 1; the last word may
  // also be a prefix (search as you type, 0.5); a word of five letters or more found
  // neither way is taken as a typo of a term one edit away (0.3), looked for in the
  // shards already loaded.
  function matchWord(q, last, loaded, matched) {
    var wanted = new Set(q.terms), folded = fold(q.word);
    var hits = new Map();
    loaded.forEach(function (words) {
      Object.keys(words).forEach(function (term) {
        if (wanted.has(term)) hits.set(term, 1);
        else if (last && (term.indexOf(folded) === 0 || q.terms.some(function (t) { return term.indexOf(t) === 0; }))) hits.set(term, 0.5);
      });
    });
    var chars = Array.from(q.word);
    if (!hits.size && chars.length >= TYPO_MIN_CHARS) {
      // A term one edit from the query's term ("kovrik" for "kovrig"), or the term of a
      // spelling one edit from the query: an edit can change the stem, as "jovanovik"
      // (stem "jovanovik") is one letter from "jovanovic" (stem "jovanov").
      var near = new Set();
      variants(chars).forEach(function (v) { terms(v).forEach(function (t) { near.add(t); }); });
      loaded.forEach(function (words) {
        Object.keys(words).forEach(function (term) {
          if (near.has(term) || q.terms.some(function (t) { return oneEdit(term, t); })) hits.set(term, 0.3);
        });
      });
    }
    var found = new Map();
    loaded.forEach(function (words) {
      hits.forEach(function (factor, term) {
        if (!words[term]) return;
        matched.add(term);
        postings(words[term]).forEach(function (p) {
          var f = found.get(p[0]) || { score: 0, title: 0 };
          f.score += p[1] * factor;
          f.title = f.title || p[2] || 0;
          found.set(p[0], f);
        });
      });
    });
    return found;
  }

  // Every word must match. Entries with more query words in their title come first, then
  // those whose title the query covers more of (fewer title words), then by score.
  function search(m, query, section) {
    var qs = words(query).map(function (w) { return { word: w.word, terms: terms(w.word) }; });
    if (!qs.length) return Promise.resolve(null);
    var matched = new Set();
    return Promise.all(qs.map(function (q, i) {
      var last = i === qs.length - 1;
      var keys = new Set();
      q.terms.forEach(function (t) { shardsFor(t, last).forEach(function (k) { keys.add(k); }); });
      return Promise.all(Array.from(keys, shard)).then(function (loaded) {
        return matchWord(q, last, loaded, matched);
      });
    })).then(function (maps) {
      var scores = new Map();
      maps[0].forEach(function (f, id) {
        var total = { score: 0, titles: 0, length: 0 };
        for (var i = 0; i < maps.length; i++) {
          var g = maps[i].get(id);
          if (!g) return;
          total.score += g.score;
          if (g.title) { total.titles++; total.length = g.title; }
        }
        scores.set(id, total);
      });
      var g = section ? m.groups.find(function (x) { return x.name === section; }) : null;
      var hits = Array.from(scores.entries())
        .filter(function (e) { return !g || (e[0] >= g.start && e[0] < g.end); })
        .sort(function (a, b) {
          var x = a[1], y = b[1];
          return y.titles - x.titles || (x.titles && x.length - y.length) || y.score - x.score || a[0] - b[0];
        });
      return { hits: hits, matched: matched };
    });
  }

  // Appends `text` to `parent`, each word that found the results inside a <mark>.
  function highlighted(parent, text, matched) {
    var at = 0;
    words(text).forEach(function (w) {
      if (!terms(w.word).some(function (t) { return matched.has(t); })) return;
      if (w.at > at) parent.appendChild(document.createTextNode(text.slice(at, w.at)));
      var mark = document.createElement("mark");
      mark.textContent = w.text;
      parent.appendChild(mark);
      at = w.at + w.text.length;
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  var current = 0;
  function show(query, section) {
    var ticket = ++current;
    loadManifest().then(function (m) {
      return search(m, query, section).then(function (result) {
        if (ticket !== current) return;
        list.textContent = "";
        if (result === null) { status.textContent = ""; return; }
        var hits = result.hits;
        // The count is announced once the results it counts are on the page, so that
        // neither a screen reader nor a script reads an empty list under "N results".
        var count = hits.length === 1 ? ui.one : ui.many.replace("{n}", hits.length);
        return Promise.all(hits.slice(0, PAGE).map(function (h) { return record(m, h[0]); })).then(function (records) {
          if (ticket !== current) return;
          records.forEach(function (r, i) {
            var li = document.createElement("li");
            li.className = "card";
            var a = document.createElement("a");
            a.className = "card-title";
            a.href = r[1];
            highlighted(a, r[0], result.matched);
            li.appendChild(a);
            var g = group(m, hits[i][0]);
            if (g) {
              var meta = document.createElement("span");
              meta.className = "card-meta";
              meta.textContent = g.title;
              li.appendChild(meta);
            }
            if (r[2]) {
              var p = document.createElement("p");
              highlighted(p, r[2], result.matched);
              li.appendChild(p);
            }
            list.appendChild(li);
          });
          status.textContent = count + (hits.length > PAGE ? ui.best.replace("{n}", PAGE) : "");
        });
      });
    }).catch(function (e) {
      status.textContent = ui.unavailable;
      if (window.console) console.warn(e);
    });
  }

  var timer = null;
  function update() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var params = new URLSearchParams();
      if (input.value) params.set("q", input.value);
      if (select.value) params.set("section", select.value);
      history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
      show(input.value, select.value);
    }, 120);
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  input.addEventListener("input", update);
  select.addEventListener("change", update);
  var initial = new URLSearchParams(location.search);
  if (initial.get("q")) {
    input.value = initial.get("q");
    select.value = initial.get("section") || "";
    show(input.value, select.value);
  }
})();
