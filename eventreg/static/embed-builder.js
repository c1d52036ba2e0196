// "Embed on your site": rebuild the snippet and the preview as the choices change, by asking the server for the
// same page the form would (one place builds snippets). Without this script the form's button does the same.
(function () {
  "use strict";
  var form = document.getElementById("embed-form");
  var result = document.getElementById("embed-result");
  var status = document.getElementById("embed-status");
  if (!form || !result || !window.fetch || !window.DOMParser) { return; }
  var pending = 0;
  // The page's language: builder.html gives the status line its sentences.
  var words = {
    check: status.getAttribute("data-check") || "Check the form: {problem}",
    invalid: status.getAttribute("data-invalid") || "a choice is not valid.",
    updated: status.getAttribute("data-updated") || "Snippet and preview updated."
  };
  function update() {
    var query = new URLSearchParams(new FormData(form)).toString();
    var url = form.getAttribute("action") || window.location.pathname;
    url = url.split("?")[0] + "?" + query;
    var mine = ++pending;
    fetch(url, {credentials: "same-origin", headers: {Accept: "text/html"}}).then(function (response) {
      return response.text().then(function (html) { return {ok: response.ok, html: html}; });
    }).then(function (answer) {
      if (mine !== pending) { return; }  // a later change is on its way
      var page = new DOMParser().parseFromString(answer.html, "text/html");
      if (!answer.ok) {
        status.textContent = words.check.replace("{problem}", (page.querySelector(".error") || {textContent: words.invalid}).textContent);
        return;
      }
      var fresh = page.getElementById("embed-result");
      var snippet = document.getElementById("embed-snippet");
      var freshSnippet = fresh && fresh.querySelector("#embed-snippet");
      if (!freshSnippet) { return; }
      if (!snippet) {  // the page showed errors: show the fixed page whole
        window.location.assign(url);
        return;
      }
      if (snippet.value !== freshSnippet.value) {
        snippet.value = freshSnippet.value;
        var frame = result.querySelector("iframe");
        var freshFrame = fresh.querySelector("iframe");
        frame.title = freshFrame.title;
        frame.src = freshFrame.getAttribute("src");
        status.textContent = words.updated;
      }
      window.history.replaceState(null, "", url);
    });
  }
  form.addEventListener("change", update);
  form.addEventListener("input", function (event) { if (event.target.type === "number") { update(); } });
})();
