/* The ambassador dashboard's charts (Chart.js, served from our own static files). Data comes
 * from a json_script element (#fw-referral-chart-data): no inline script, CSP-safe. */
(function () {
  "use strict";
  var PALETTE = ["#2f6f4f", "#c0612b", "#3b6ea5", "#8a5fb0"];

  // "2026-11-23" as the page's language writes a short date ("23 Nov", "Nov 23").
  function shortDate(iso) {
    var parts = iso.split("-").map(Number);
    var day = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    try {
      return day.toLocaleDateString(document.documentElement.lang || undefined, { month: "short", day: "numeric", timeZone: "UTC" });
    } catch (error) {
      return iso;
    }
  }

  function config(name, spec) {
    var twoAxes = name === "revenue";
    var narrow = window.matchMedia && window.matchMedia("(max-width: 575.98px)").matches;
    return {
      type: name === "activity" ? "bar" : "line",
      data: {
        labels: spec.labels.map(shortDate),
        datasets: spec.series.map(function (serie, index) {
          return {
            label: serie.label,
            data: serie.values.map(Number),
            borderColor: PALETTE[index % PALETTE.length],
            backgroundColor: PALETTE[index % PALETTE.length],
            yAxisID: twoAxes && index === 1 ? "y1" : "y",
            tension: 0.2
          };
        })
      },
      options: {
        animation: false,
        // Phones get taller charts: at 2:1 the plot is a sliver once the legend is drawn.
        aspectRatio: narrow ? 1.2 : 2,
        plugins: { title: { display: true, text: spec.title } },
        scales: twoAxes
          ? { y: { beginAtZero: true }, y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } }
          : { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    };
  }

  function draw() {
    var source = document.getElementById("fw-referral-chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var name = canvas.getAttribute("data-chart");
      if (data[name]) new window.Chart(canvas, config(name, data[name]));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
