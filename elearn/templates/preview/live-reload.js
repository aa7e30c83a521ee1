// The course preview (elearn.courses.preview): reload the page when a file of the course changed.
// Asks the preview once a second whether the files differ from those the page was made from;
// it never asks another site. Without JavaScript, the trainer reloads the page by hand.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script.getAttribute("data-url") + "?since=" + encodeURIComponent(script.getAttribute("data-since"));
  function poll() {
    fetch(url, { cache: "no-store" }).then(function (response) {
      return response.ok ? response.json() : { changed: false };
    }).then(function (state) {
      if (state.changed) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
    }, function () {
      window.setTimeout(poll, 3000);  // the preview was stopped or is busy: keep asking, less often
    });
  }
  window.setTimeout(poll, 1000);
})();
