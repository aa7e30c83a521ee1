// Live preview for the translation editor. Without JavaScript the Preview button does
// the same; with it, the server renders (and sanitises) the markdown as the translator types.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-preview]");
  if (!form) { return; }
  var body = form.querySelector("textarea[name=body]");
  var target = document.getElementById(form.getAttribute("data-live-preview"));
  var timer = null;
  function refresh() {
    var data = new FormData(form);
    data.set("action", "preview");
    // getAttribute, not form.action: the buttons named "action" shadow that property.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-Live-Preview": "1" }
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null) { target.innerHTML = html; target.hidden = false; }
    });
  }
  body.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  });
}());
