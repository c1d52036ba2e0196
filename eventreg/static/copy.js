// "Copy address" for the calendar feed. Without JavaScript the address is still there to select.
(function () {
  // The page's language: base.html gives this script its two sentences.
  var script = document.currentScript;
  var copied = (script && script.dataset.copied) || "Copied.";
  var byHand = (script && script.dataset.copyByHand) || "Press Ctrl+C (or ⌘C) to copy.";
  var buttons = document.querySelectorAll(".copy-button");
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = button.parentNode.querySelector(".copy-status");
    if (!field || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = copied;
      }, function () {
        field.select();
        status.textContent = byHand;
      });
    });
  });
})();
