/* Survey results charts (Chart.js, served from our own static files). Data comes from a
 * json_script element (#fw-chart-data): no inline script, CSP-safe. */
(function () {
  "use strict";
  var COLOUR = "#2f6f4f";

  function draw() {
    var source = document.getElementById("fw-chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = data[canvas.getAttribute("data-chart")];
      if (!spec) return;
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: spec.labels,
          datasets: [{ label: spec.title, data: spec.values, backgroundColor: COLOUR }]
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          indexAxis: spec.horizontal ? "y" : "x",
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
