// Draws each chart from the configuration its canvas carries (eventreg/charts/figures.py), in the colours of
// style.css (--chart-<role>). The table beside it has the same numbers: it stays open when there is no Chart.js
// or no JavaScript, and is folded away once the chart is drawn. Nothing here writes a style attribute or adds a
// stylesheet (the CSP allows neither); Chart.js sizes its canvas through the DOM, which the CSP allows.
(function () {
  if (!window.Chart) { return; }
  var css = window.getComputedStyle(document.documentElement);
  function colour(name, fallback) { return css.getPropertyValue(name).trim() || fallback; }
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.color = colour("--ink", "#1d2430");
  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.borderColor = colour("--line", "#d5dbe3");

  var canvases = document.querySelectorAll("canvas[data-chart]");
  Array.prototype.forEach.call(canvases, function (canvas) {
    var config = JSON.parse(canvas.dataset.chart);
    var box = canvas.parentNode;
    var section = box.parentNode;
    config.data.datasets.forEach(function (dataset) {
      var line = colour("--chart-" + dataset.role, "#0b5cad");
      dataset.borderColor = line;
      // Bars and lines in the strong colour (3:1 against the page); an area's fill in its light one, under its line.
      var area = config.type === "line" && dataset.fill !== false && dataset.type !== "line";
      dataset.backgroundColor = area ? colour("--chart-" + dataset.role + "-fill", line) : line;
      dataset.pointBackgroundColor = line;
    });
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = still ? false : { duration: 300 };
    config.options.plugins = { legend: { position: "bottom" } };
    box.hidden = false;
    if (config.type === "bar") {
      // A bar chart grows with its rows: about 2.5rem a bar, plus the axis and the legend.
      box.style.height = (Number(box.dataset.rows) * 2.5 + 6) + "rem";
    }
    new Chart(canvas, config);
    var table = section.querySelector("details.chart-data");
    if (table) { table.open = false; }
  });
})();
