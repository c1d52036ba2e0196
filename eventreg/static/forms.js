// A form that came back with errors opens at its error summary (the form's action carries #form-errors);
// focusing the summary also has screen readers read it out, as in the GOV.UK error-summary pattern.
(function () {
  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }
})();
