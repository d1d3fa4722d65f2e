// The flow picture: tooltips say how many log entries make a band; a click opens one of them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.querySelector(".flow-chart");
    if (!el || !window.echarts) return;
    var chart = window.echarts.getInstanceByDom(el);
    if (!chart) return;
    var leafUrl = el.dataset.leafUrl;
    chart.setOption({tooltip: {formatter: function (p) {
      if (p.dataType !== "edge") return p.name + ": ¥" + Number(p.value).toLocaleString();
      return p.data.source + " → " + p.data.target + "<br>¥" + Number(p.value).toLocaleString() +
        " · " + p.data.leaves + " ✚";
    }}});
    chart.on("click", function (p) {
      if (p.dataType === "edge" && p.data.example !== null && p.data.example !== undefined) {
        window.location.href = leafUrl.replace(/0\/$/, p.data.example + "/");
      }
    });
  });
})();
