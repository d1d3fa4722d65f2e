// Small progressive enhancements shared by every page. Pages work without JavaScript.
(function () {
  "use strict";
  // Charts: any element with data-chart holds an ECharts option as JSON (see core/templates/components/chart.html).
  function renderCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var option = JSON.parse(document.getElementById(el.dataset.chart).textContent);
      var chart = window.echarts.init(el);
      chart.setOption(option);
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { renderCharts(e.target); });
})();
