// Use the browser's own time zone where the visitor has not chosen one: pre-select it in
// "Show times in", and keep it with a registration. Pages work without this script.
(function () {
  if (!window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) { return; }
  var select = document.getElementById("tz");
  if (select && !select.dataset.chosen && select.querySelector('option[value="' + zone.replace(/"/g, "") + '"]')) {
    select.value = zone;
  }
  var hidden = document.getElementById("registration-timezone");
  if (hidden && !hidden.value) {
    hidden.value = zone;
  }
})();
