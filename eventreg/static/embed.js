// eventreg's loader for pages that embed its event list: <script src="https://<eventreg>/static/embed.js" async>.
// It fits each list's frame to the list's height. Without it the frame keeps its height and scrolls. It acts only
// on messages from the origin it was loaded from, from a frame on this page, in the one shape the list sends.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.URL) { return; }
  var origin = new URL(script.src, window.location.href).origin;
  var key = "eventregEmbedLoader " + origin;
  if (window[key]) { return; }  // the snippet pasted twice: one listener is enough
  window[key] = true;
  var MAX_HEIGHT = 20000;

  function frames() { return Array.prototype.slice.call(document.getElementsByTagName("iframe")); }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) { return; }
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== "eventreg-embed-height") { return; }
    var height = data.height;
    if (typeof height !== "number" || !isFinite(height) || height < 1) { return; }
    frames().forEach(function (frame) {
      if (frame.contentWindow === event.source) { frame.style.height = Math.min(Math.ceil(height), MAX_HEIGHT) + "px"; }
    });
  });

  // Frames that reported before this (async) script ran: ask them again.
  frames().forEach(function (frame) {
    if (frame.contentWindow && frame.src.indexOf(origin + "/embed/") === 0) {
      frame.contentWindow.postMessage({type: "eventreg-embed-ask"}, origin);
    }
  });
})();
