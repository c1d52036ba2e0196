// Pre-select the browser's own time zone in "Show times in" when the visitor has not chosen one.
// Pages work without this: it only saves a scroll through the list.
(function () {
  var select = document.getElementById("tz");
  if (!select || select.dataset.chosen || !window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && select.querySelector('option[value="' + zone.replace(/"/g, "") + '"]')) {
    select.value = zone;
  }
})();
