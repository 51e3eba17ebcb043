// The course book's small fixes to the theme's widgets (loaded on every page by jupyter-book from _static/).
(function () {
  "use strict";
  // Over file:// the search page cannot fetch a page to show its summary (the browser forbids it, and Sphinx's
  // search threw "Failed to fetch"): show the result titles only, and say why.
  if (location.protocol === "file:" && window.DOCUMENTATION_OPTIONS) {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }

  // sphinx-togglebutton names every collapse button "Toggle hidden content"; a screen reader should hear which
  // quick check or solution it opens.
  function nameToggleButtons() {
    document.querySelectorAll(".admonition .admonition-title > button.toggle-button").forEach(function (button) {
      var title = button.parentElement.textContent.replace(/\s+/g, " ").trim();
      if (!title) return;
      var what = /^quick check/i.test(title) ? "Show or hide the answer to this quick check: " : "Show or hide: ";
      button.setAttribute("aria-label", what + title.replace(/^quick check:\s*/i, ""));
    });
  }

  function fileSearchNote() {
    if (location.protocol !== "file:") return;
    var results = document.getElementById("search-results");
    if (!results || document.getElementById("kcourse-search-note")) return;
    var note = document.createElement("p");
    note.id = "kcourse-search-note";
    note.className = "kcourse-search-note";
    note.textContent = "This book is opened from a file, so results show page titles only (a browser does not let "
      + "a page read other files). Open the book from a web server to see a summary under each result.";
    results.parentNode.insertBefore(note, results);
  }

  function run() {
    nameToggleButtons();
    fileSearchNote();
  }
  if (document.readyState === "loading") {
    // after sphinx-togglebutton, which adds its buttons when the document has loaded
    document.addEventListener("DOMContentLoaded", function () { setTimeout(run, 0); });
  } else {
    setTimeout(run, 0);
  }
})();
