/* The staff console's charts (Chart.js, served from our own static files) and filters.
 * Data comes from a json_script element (#fw-chart-data): no inline script, CSP-safe. */
(function () {
  "use strict";
  var PALETTE = ["#2f6f4f", "#c0612b", "#3b6ea5", "#8a5fb0", "#b5942b", "#5c5c5c"];

  function chartConfig(name, spec) {
    if (name === "cohorts") {
      return {
        type: "line",
        data: {
          labels: spec.labels,
          datasets: spec.series.map(function (serie, index) {
            return {
              label: serie.label,
              data: serie.values.map(function (v) { return Math.round(v * 1000) / 10; }),
              borderColor: PALETTE[index % PALETTE.length],
              backgroundColor: PALETTE[index % PALETTE.length],
              tension: 0.2
            };
          })
        },
        options: {
          plugins: { title: { display: true, text: spec.title } },
          scales: { y: { beginAtZero: true, max: 100, ticks: { callback: function (v) { return v + " %"; } } } }
        }
      };
    }
    var datasets = spec.datasets || [{ label: spec.title, labels: spec.labels, values: spec.values }];
    return {
      type: name === "new_members" || name === "sentiment" ? "bar" : "line",
      data: {
        labels: datasets.length ? datasets[0].labels : [],
        datasets: datasets.map(function (set, index) {
          return {
            label: set.label,
            data: set.values.map(Number),
            borderColor: PALETTE[index % PALETTE.length],
            backgroundColor: PALETTE[index % PALETTE.length],
            pointRadius: 0,
            tension: 0.2
          };
        })
      },
      options: {
        animation: false,
        aspectRatio: name === "sentiment" && window.innerWidth >= 576 ? 4 : 2,
        plugins: { title: { display: true, text: spec.title }, legend: { display: datasets.length > 1 } },
        // Sentiment runs from -1 to 1: a fixed scale keeps weeks comparable.
        scales: { y: name === "sentiment" ? { min: -1, max: 1 } : { beginAtZero: true } }
      }
    };
  }

  function drawCharts() {
    var source = document.getElementById("fw-chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var name = canvas.getAttribute("data-chart");
      if (data[name]) new window.Chart(canvas, chartConfig(name, data[name]));
    });
  }

  // Changing a filter reloads the page with it (the Apply button does the same without JS).
  document.addEventListener("change", function (event) {
    var field = event.target.closest && event.target.closest("[data-fw-autosubmit]");
    if (field && field.form) field.form.submit();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawCharts);
  } else {
    drawCharts();
  }
})();
