// The attendance preview's column choice: each change shows the preview again at once. Without this script
// the "Show the minutes with these columns" button does the same.
(function () {
  var form = document.querySelector("form[data-submit-on-change]");
  if (!form) { return; }
  form.addEventListener("change", function () { form.submit(); });
})();
