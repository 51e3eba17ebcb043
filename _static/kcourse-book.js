// The course book's small fixes to the theme's widgets (loaded on every page by jupyter-book from _static/).
(function () {
  "use strict";
  // Over file:// the search page cannot fetch a page to show its summary (the browser forbids it, and Sphinx's
  // search threw "Failed to fetch"): show the result titles only, and say why.
  // (documentation_options.js declares it with const: a global binding, not a property of window)
  if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
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

  // Escape or a click outside closes the menu and page-contents dialogs of pydata-sphinx-theme, but focus fell
  // to the page body: give it back to the button that opened the dialog, as a dialog should.
  function returnFocusFromSidebars() {
    [["pst-primary-sidebar-modal", "primary-toggle"], ["pst-secondary-sidebar-modal", "secondary-toggle"]]
      .forEach(function (pair) {
        var dialog = document.getElementById(pair[0]);
        if (!dialog) return;
        dialog.addEventListener("close", function () {
          var buttons = Array.prototype.filter.call(document.getElementsByClassName(pair[1]), function (b) {
            return b.offsetParent !== null;  // the visible one
          });
          var active = document.activeElement;
          if (buttons.length && (!active || active === document.body || dialog.contains(active))) {
            buttons[0].focus();
          }
        });
      });
  }

  function run() {
    nameToggleButtons();
    returnFocusFromSidebars();
    fileSearchNote();
  }
  if (document.readyState === "loading") {
    // after sphinx-togglebutton, which adds its buttons when the document has loaded
    document.addEventListener("DOMContentLoaded", function () { setTimeout(run, 0); });
  } else {
    setTimeout(run, 0);
  }
})();
