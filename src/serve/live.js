// casefile serve: reloads this page after a rebuild, shows build errors over it and the build's warnings in a corner.
// Served only by `casefile serve`; never part of a built site.
(function () {
  "use strict";
  if (window.__casefileLive) return;
  window.__casefileLive = true;

  var script = document.currentScript;
  var pageBuild = script ? script.getAttribute("data-build") : null;
  var OVERLAY = "casefile-error-overlay";
  var WARNINGS = "casefile-warnings";
  var delay = 500;

  function text(tag, content, style) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (style) el.style.cssText = style;
    return el;
  }

  function hideErrors() {
    var old = document.getElementById(OVERLAY);
    if (old) old.parentNode.removeChild(old);
  }

  // Every value is set with textContent, so nothing from a content file is parsed as HTML.
  function showErrors(errors) {
    hideErrors();
    var box = document.createElement("div");
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    box.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem;" +
      "background:#1e0d0d;color:#fff;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;";
    var close = text("button", "Close", "float:right;font:inherit;padding:.2rem .8rem;cursor:pointer");
    close.type = "button";
    close.addEventListener("click", hideErrors);
    box.appendChild(close);
    var n = errors.length;
    box.appendChild(text("p", "casefile: the last rebuild failed with " + n + " problem" +
      (n === 1 ? "" : "s") + ". The page below is the last good build.",
      "margin:0 0 1rem;font-weight:bold;color:#ff8a80"));
    errors.forEach(function (e) {
      var item = document.createElement("div");
      item.className = "casefile-error";
      item.style.cssText = "margin:0 0 1rem;padding:.6rem .8rem;border-left:4px solid #ff5252;background:rgba(255,255,255,.06)";
      var place = e.path + (e.line ? ":" + e.line + ":" + e.column : "");
      item.appendChild(text("div", place, "color:#80d8ff;font-weight:bold"));
      item.appendChild(text("div", e.message));
      var lines = (e.text || "").split("\n").slice(1).join("\n").replace(/\s+$/, "");
      if (lines) item.appendChild(text("pre", lines, "margin:.4rem 0 0;white-space:pre-wrap;color:#ddd"));
      box.appendChild(item);
    });
    (document.body || document.documentElement).appendChild(box);
  }

  // The build succeeded but warns: a small box in a corner, closed until asked, so the
  // page stays readable. Values are set with textContent, as for errors.
  function showWarnings(warnings) {
    var old = document.getElementById(WARNINGS);
    var wasOpen = old ? old.open : false;
    if (old) old.parentNode.removeChild(old);
    if (!warnings || !warnings.length) return;
    var box = document.createElement("details");
    box.id = WARNINGS;
    box.open = wasOpen;
    box.setAttribute("role", "status");
    box.style.cssText =
      "position:fixed;right:.75rem;bottom:.75rem;z-index:2147483646;max-width:min(36rem,calc(100vw - 1.5rem));" +
      "max-height:60vh;overflow:auto;padding:.4rem .8rem;border-radius:.4rem;background:#2b2100;color:#fff;" +
      "font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;box-shadow:0 2px 8px rgba(0,0,0,.4)";
    var n = warnings.length;
    box.appendChild(text("summary", "casefile: " + n + " warning" + (n === 1 ? "" : "s"),
      "cursor:pointer;color:#ffd54f;font-weight:bold"));
    warnings.forEach(function (w) {
      var item = document.createElement("div");
      item.className = "casefile-warning";
      item.style.cssText = "margin:.5rem 0 0;padding:.3rem .6rem;border-left:3px solid #ffd54f";
      var place = w.path + (w.line ? ":" + w.line + ":" + w.column : "");
      item.appendChild(text("div", place, "color:#80d8ff"));
      item.appendChild(text("div", w.message));
      if (w.hint) item.appendChild(text("div", w.hint, "color:#ccc"));
      box.appendChild(item);
    });
    (document.body || document.documentElement).appendChild(box);
  }

  function connect() {
    var source = new EventSource("/__casefile/events");
    source.onopen = function () { delay = 500; };
    source.onmessage = function (event) {
      var state;
      try { state = JSON.parse(event.data); } catch (err) { return; }
      if (state.errors && state.errors.length) {
        showErrors(state.errors);
      } else {
        hideErrors();
      }
      showWarnings(state.warnings);
      if (pageBuild !== null && state.build !== pageBuild) {
        source.close();
        window.location.reload();
      }
    };
    source.onerror = function () {
      // Reconnect with back-off, whether the browser would retry or not.
      source.close();
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }

  connect();
})();
