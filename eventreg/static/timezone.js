// Offer the browser's own time zone where the visitor has not chosen one, as a link that applies it, and keep
// it with a registration. "Show times in" itself always says what the page shows. Pages work without this.
(function () {
  var script = document.currentScript;  // base.html gives it the suggestion's words, in the page's language
  var words = (script && script.dataset.suggest) || "Show times in your device’s zone ({zone})";
  if (!window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) { return; }
  var select = document.getElementById("tz");
  var suggest = document.getElementById("tz-suggest");
  var known = select && select.querySelector('option[value="' + zone.replace(/"/g, "") + '"]');
  if (suggest && known && !select.dataset.chosen) {
    var url = new URL(window.location.href);
    url.searchParams.set("tz", zone);
    url.searchParams.delete("page");
    var link = document.createElement("a");
    link.href = url.pathname + url.search;
    link.textContent = words.replace("{zone}", known.textContent);
    suggest.appendChild(link);
    suggest.hidden = false;
  }
  var hidden = document.getElementById("registration-timezone");
  if (hidden && !hidden.value) {
    hidden.value = zone;
  }
})();
