/* The ambassador dashboard's charts (Chart.js, served from our own static files). Data comes
 * from a json_script element (#fw-referral-chart-data): no inline script, CSP-safe. */
(function () {
  "use strict";
  var PALETTE = ["#2f6f4f", "#c0612b", "#3b6ea5", "#8a5fb0"];

  function config(name, spec) {
    var twoAxes = name === "revenue";
    return {
      type: name === "activity" ? "bar" : "line",
      data: {
        labels: spec.labels,
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
