// The translation editor, progressively enhanced; without JavaScript its buttons do the same.
//
// Live preview: the server renders (and sanitises) the markdown as the translator types.
// Unsaved changes: leaving the page asks first when a text was changed and not saved (the
// form carries data-unsaved when the server sent back text that is not saved: a preview, a
// save refused). Sending the form (Preview, Save) is not leaving it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-preview]");
  if (!form) { return; }
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
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  });

  if (!form.hasAttribute("data-unsaved-warning")) { return; }
  var fields = form.querySelectorAll("textarea, input[name=title]");
  function texts() {
    return Array.prototype.map.call(fields, function (field) { return field.value; }).join("\u0000");
  }
  var loaded = texts();
  var unsaved = form.hasAttribute("data-unsaved");
  var sending = false;
  form.addEventListener("submit", function () { sending = true; });
  window.addEventListener("pageshow", function () { sending = false; });  // back from the next page
  window.addEventListener("beforeunload", function (event) {
    if (sending || (!unsaved && texts() === loaded)) { return; }
    event.preventDefault();
    event.returnValue = "";  // the browser shows its own message
  });
}());
