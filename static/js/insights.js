// 研判预警 charts: the hotspot bar chart and the forecast line charts with an
// 80% interval band. Data comes from json_script blocks; no inline script.
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;

  function read(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  const hot = read("hotspot-data");
  const hotEl = document.getElementById("hotspot-chart");
  if (hot && hotEl && hot.phrases.length) {
    const chart = echarts.init(hotEl);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 90, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value", name: "热度" },
      yAxis: { type: "category", data: hot.phrases.slice().reverse() },
      series: [{ type: "bar", name: "热度", data: hot.weights.slice().reverse(), itemStyle: { color: "#c0392b" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  const rows = read("forecast-data") || [];
  rows.forEach((row) => {
    const el = document.querySelector('[data-chart="' + row.id + '"]');
    if (!el || !row.mean) return;
    const band = row.high.map((h, i) => (h === null || row.low[i] === null ? null : h - row.low[i]));
    const chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: ["实际", "预测"], top: 0 },
      grid: { left: 10, right: 10, top: 28, bottom: 24, containLabel: true },
      xAxis: { type: "category", data: row.labels },
      yAxis: { type: "value", min: 0 },
      series: [
        { name: "区间下限", type: "line", data: row.low, stack: "band", lineStyle: { opacity: 0 }, symbol: "none", tooltip: { show: false } },
        { name: "80%区间", type: "line", data: band, stack: "band", lineStyle: { opacity: 0 }, symbol: "none", areaStyle: { color: "rgba(52,152,219,0.25)" } },
        { name: "实际", type: "line", data: row.history, symbol: "circle", symbolSize: 4, itemStyle: { color: "#2c3e50" } },
        { name: "预测", type: "line", data: row.mean, lineStyle: { type: "dashed" }, itemStyle: { color: "#2980b9" } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  });
})();
