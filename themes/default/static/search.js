// Starts Pagefind's search UI on the search page; without JavaScript the page keeps its
// plain list of every entry.
(function () {
  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") return;
  var note = document.getElementById("search-needs-js");
  if (note) note.remove();
  new PagefindUI({
    element: "#search",
    bundlePath: root.getAttribute("data-bundle"),
    showImages: false,
    showSubResults: true,
    resetStyles: false
  });
})();
