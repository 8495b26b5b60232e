// casefile search: loads the manifest, then one index shard per word and the records of
// the hits it shows. Results are inserted with textContent only. Without JavaScript the
// search page still lists every entry.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.TextEncoder) return;
  var base = form.getAttribute("data-index");
  var input = form.querySelector("input[name=q]");
  var select = form.querySelector("select[name=section]");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var PAGE = 20;
  var manifest = null, shards = new Map(), chunks = new Map(), shardNames = null, stop = null;

  function json(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }
  function loadManifest() {
    if (!manifest) manifest = json(base + "manifest.json").then(function (m) {
      shardNames = new Set(m.shards);
      stop = new Set(m.stop_words);
      return m;
    });
    return manifest;
  }
  function tokens(text) {
    var words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
    return words.filter(function (w) { return Array.from(w).length >= 2 && !stop.has(w); })
      .map(function (w) { return Array.from(w).slice(0, 32).join(""); });
  }
  function shardKey(term, chars) {
    var bytes = new TextEncoder().encode(Array.from(term).slice(0, chars).join(""));
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  // Shards are named by a word's first two characters, or three where a shard was split.
  function shardsFor(term, prefixSearch) {
    var length = Array.from(term).length;
    var three = shardKey(term, 3), two = shardKey(term, 2);
    if (length >= 3 && shardNames.has(three)) return [three];
    var keys = shardNames.has(two) ? [two] : [];
    if (prefixSearch && length === 2) {
      shardNames.forEach(function (k) { if (k !== two && k.indexOf(two) === 0) keys.push(k); });
    }
    return keys;
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

  // Every word must match; the last one may be a prefix (search as you type).
  function search(m, query, section) {
    var terms = tokens(query);
    if (!terms.length) return Promise.resolve(null);
    return Promise.all(terms.map(function (term, i) {
      var last = i === terms.length - 1;
      return Promise.all(shardsFor(term, last).map(shard)).then(function (loaded) {
        var found = new Map();
        loaded.forEach(function (words) {
          Object.keys(words).forEach(function (word) {
            var exact = word === term;
            if (!exact && !(last && word.indexOf(term) === 0)) return;
            words[word].forEach(function (p) {
              found.set(p[0], (found.get(p[0]) || 0) + (exact ? p[1] : p[1] / 2));
            });
          });
        });
        return found;
      });
    })).then(function (maps) {
      var scores = maps[0];
      maps.slice(1).forEach(function (other) {
        Array.from(scores.keys()).forEach(function (id) {
          if (other.has(id)) scores.set(id, scores.get(id) + other.get(id)); else scores.delete(id);
        });
      });
      var g = section ? m.groups.find(function (x) { return x.name === section; }) : null;
      return Array.from(scores.entries())
        .filter(function (e) { return !g || (e[0] >= g.start && e[0] < g.end); })
        .sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    });
  }

  var current = 0;
  function show(query, section) {
    var ticket = ++current;
    loadManifest().then(function (m) {
      return search(m, query, section).then(function (hits) {
        if (ticket !== current) return;
        list.textContent = "";
        if (hits === null) { status.textContent = ""; return; }
        status.textContent = hits.length === 1 ? "1 result" : hits.length + " results";
        return Promise.all(hits.slice(0, PAGE).map(function (h) { return record(m, h[0]); })).then(function (records) {
          if (ticket !== current) return;
          records.forEach(function (r, i) {
            var li = document.createElement("li");
            li.className = "card";
            var a = document.createElement("a");
            a.className = "card-title";
            a.href = r[1];
            a.textContent = r[0];
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
              p.textContent = r[2];
              li.appendChild(p);
            }
            list.appendChild(li);
          });
          if (hits.length > PAGE) status.textContent += " (showing the best " + PAGE + ")";
        });
      });
    }).catch(function (e) {
      status.textContent = "Search is unavailable right now. Every entry is listed below.";
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
