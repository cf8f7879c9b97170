// Public disclosure pages: the procedure chart's "tap a status" highlight and
// the statistics bar charts. Everything the pages say is already in the HTML;
// this only adds interaction and pictures. No inline script, no CDN.
(function () {
  "use strict";

  // -- procedure chart -------------------------------------------------------
  function initFlowchart(svg) {
    const info = svg.closest("figure").querySelector("#flow-info");
    const parts = Array.from(svg.querySelectorAll(".flow-edge, .flow-label"));
    const nodes = Array.from(svg.querySelectorAll(".flow-node"));
    let current = null;

    function clear() {
      svg.classList.remove("focus");
      parts.concat(nodes).forEach((el) => el.classList.remove("on"));
      if (info) info.classList.add("d-none");
      current = null;
    }

    function focus(node) {
      const status = node.dataset.status;
      if (current === status) { clear(); return; }
      clear();
      current = status;
      svg.classList.add("focus");
      node.classList.add("on");
      const exits = [];
      const entries = [];
      parts.forEach((el) => {
        const from = (el.dataset.from || "").split(" ");
        const to = el.dataset.to;
        if (from.includes(status) || to === status) {
          el.classList.add("on");
          nodes.forEach((n) => {
            if (n.dataset.status === to || from.includes(n.dataset.status)) n.classList.add("on");
          });
          const title = el.querySelector("title");
          if (el.classList.contains("flow-edge") && title) {
            (from.includes(status) ? exits : entries).push(title.textContent);
          }
        }
      });
      if (!info) return;
      // Built with text nodes only: nothing from the page is parsed as HTML.
      info.replaceChildren();
      const heading = document.createElement("strong");
      heading.textContent = node.getAttribute("aria-label");
      info.appendChild(heading);
      [["由此可以：", exits], ["可由以下环节进入：", entries]].forEach(([label, items]) => {
        if (!items.length) return;
        const p = document.createElement("div");
        p.className = "mt-1";
        p.textContent = label;
        const ul = document.createElement("ul");
        ul.className = "mb-0";
        items.forEach((text) => {
          const li = document.createElement("li");
          li.textContent = text;
          ul.appendChild(li);
        });
        info.append(p, ul);
      });
      info.classList.remove("d-none");
    }

    nodes.forEach((node) => {
      node.addEventListener("click", () => focus(node));
      node.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); focus(node); }
        if (e.key === "Escape") clear();
      });
    });
  }

  // -- statistics charts -----------------------------------------------------
  const RED = "#c9302c";

  function barChart(el, labels, values, horizontal) {
    const chart = window.echarts.init(el);
    const category = { type: "category", data: labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    const value = { type: "value", minInterval: 1 };
    chart.setOption({
      grid: { left: horizontal ? 110 : 40, right: 20, top: 20, bottom: horizontal ? 20 : 70, containLabel: false },
      tooltip: { trigger: "axis" },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? { ...category, inverse: true } : value,
      series: [{ type: "bar", data: values, itemStyle: { color: RED }, label: { show: true, position: horizontal ? "right" : "top" } }],
    });
    return chart;
  }

  function ratesChart(el, data) {
    const chart = window.echarts.init(el);
    chart.setOption({
      legend: { top: 0 },
      grid: { left: 140, right: 30, top: 40, bottom: 20 },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + "%") },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { width: 130, overflow: "truncate" } },
      series: data.series.map((s) => ({ name: s.name, type: "bar", data: s.values })),
    });
    return chart;
  }

  function initStats() {
    const source = document.getElementById("stats-data");
    if (!source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    const charts = [];
    document.querySelectorAll("[data-chart]").forEach((el) => {
      const key = el.dataset.chart;
      if (key === "orgs") {
        if (data.orgs.labels.length) charts.push(ratesChart(el, data.orgs));
      } else if (data[key]) {
        const many = data[key].labels.length > 8;
        charts.push(barChart(el, data[key].labels, data[key].values, key !== "trend" && many));
      }
    });
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("svg[data-flowchart]").forEach(initFlowchart);
    initStats();
  });
})();
