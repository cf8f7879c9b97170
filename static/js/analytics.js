// The analytics dashboard: one filter form, one data request, every chart redrawn.
// All figures are computed on the server; this file only draws them.
(function () {
  "use strict";
  const form = document.getElementById("dash-filters");
  if (!form || typeof echarts === "undefined") return;
  const statusEl = document.getElementById("dash-status");
  const errorEl = document.getElementById("dash-error");
  const charts = {};
  document.querySelectorAll("[data-chart]").forEach((el) => {
    charts[el.dataset.chart] = echarts.init(el, null, { renderer: "canvas" });
  });
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));

  const toolbox = (name) => ({ feature: { saveAsImage: { title: "保存为图片", name: name, pixelRatio: 2 } }, right: 8 });
  const pct = (v) => (v === null || v === undefined ? "—" : (v > 0 ? "+" : "") + v + "%");
  const num = (v) => (v === null || v === undefined ? "—" : Number(v).toLocaleString("zh-CN"));

  function options(d) {
    const s = d.series;
    return {
      series: {
        tooltip: { trigger: "axis", formatter: (items) => {
          const i = items[0].dataIndex;
          return `${s.labels[i]}<br>信访事项：${num(s.cases[i])}<br>上年同期：${num(s.year_ago[i])}` +
            `<br>同比：${pct(s.yoy[i])}　环比：${pct(s.mom[i])}`;
        } },
        legend: { data: ["信访事项", "上年同期"], top: 0 }, toolbox: toolbox("信访总量趋势"),
        grid: { left: 50, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: s.labels }, yAxis: { type: "value" },
        series: [{ name: "信访事项", type: "bar", data: s.cases },
                 { name: "上年同期", type: "line", data: s.year_ago, smooth: true }],
      },
      channel: {
        tooltip: { trigger: "item", formatter: "{b}：{c} 件（{d}%）" }, toolbox: toolbox("信访形式分布"),
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], data: d.channel.map((c) => ({ name: c.name, value: c.value })) }],
      },
      category: {
        tooltip: { formatter: "{b}：{c} 件" }, toolbox: toolbox("内容分类分布"),
        series: [{ type: "sunburst", radius: ["10%", "95%"], sort: null, data: d.category,
                   label: { rotate: "radial", fontSize: 10, minAngle: 8 } }],
      },
      region: {
        tooltip: { trigger: "axis" }, toolbox: toolbox("各县（市、区）信访量"),
        grid: { left: 50, right: 20, top: 30, bottom: 60 },
        xAxis: { type: "category", data: d.region.map((r) => r.name), axisLabel: { rotate: 30, interval: 0 } },
        yAxis: { type: "value" }, series: [{ type: "bar", data: d.region.map((r) => r.value), name: "信访事项" }],
      },
      org: {
        tooltip: { trigger: "axis" }, toolbox: toolbox("办理单位信访量"),
        grid: { left: 170, right: 20, top: 30, bottom: 20 },
        xAxis: { type: "value" },
        yAxis: { type: "category", inverse: true, data: d.org.map((o) => o.name), axisLabel: { width: 160, overflow: "truncate" } },
        series: [{ type: "bar", data: d.org.map((o) => o.value), name: "信访事项" }],
      },
      rates: {
        tooltip: { trigger: "axis", valueFormatter: (v) => (v === null || v === undefined ? "—" : v + "%") },
        legend: { top: 0 }, toolbox: toolbox("三率走势"),
        grid: { left: 50, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: d.rates.months }, yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: Object.keys(d.rates.series).map((k) => ({ name: d.rates.names[k], type: "line", data: d.rates.series[k], connectNulls: false })),
      },
      online: {
        tooltip: { trigger: "axis" }, legend: { top: 0 }, toolbox: toolbox("网上信访占比"),
        grid: { left: 50, right: 50, top: 40, bottom: 30 },
        xAxis: { type: "category", data: s.labels },
        yAxis: [{ type: "value" }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
        series: [{ name: "网上信访", type: "bar", data: s.online },
                 { name: "网上占比", type: "line", yAxisIndex: 1, data: s.online_share }],
      },
      repeat_group: {
        tooltip: { trigger: "axis" }, legend: { top: 0 }, toolbox: toolbox("重复信访与集体访"),
        grid: { left: 50, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: s.labels }, yAxis: { type: "value" },
        series: [{ name: "重复信访事项", type: "bar", data: s.repeat_cases },
                 { name: "集体访事项", type: "bar", data: s.group_cases }],
      },
    };
  }

  function text(el, value) { el.textContent = value; }

  function renderTables(d) {
    const sum = d.summary;
    text(document.querySelector("[data-sum=total]"), num(sum.total));
    text(document.querySelector("[data-sum=mom]"), pct(sum.mom));
    text(document.querySelector("[data-sum=yoy]"), pct(sum.yoy));
    text(document.querySelector("[data-sum=online_share]"), sum.online_share === null ? "—" : sum.online_share + "%");
    text(document.querySelector("[data-sum=repeat_group]"), `${num(sum.repeat_cases)} / ${num(sum.group_cases)}`);
    text(document.querySelector("[data-sum=overdue]"), num(d.overdue.count));
    const body = document.querySelector("[data-testid=overdue] tbody");
    body.replaceChildren();
    d.overdue.items.forEach((i) => {
      const tr = document.createElement("tr");
      const link = document.createElement("a");
      link.href = i.url; link.textContent = i.number;
      const cells = [link, i.title, i.org, i.kind, String(i.days_over)];
      cells.forEach((c) => { const td = document.createElement("td"); if (typeof c === "string") td.textContent = c; else td.append(c); tr.append(td); });
      body.append(tr);
    });
    text(document.getElementById("overdue-basis"), `超期数口径：${d.overdue.basis}；表中列出超期最久的事项。`);
    if (!d.overdue.items.length) body.innerHTML = '<tr><td colspan="5" class="text-muted">无</td></tr>';
    listSection("hotspots", d.hotspots, (h) => `${h.phrase}（${num(h.count)} 件${h.growth !== null && h.growth !== undefined ? "，增长 " + h.growth : ""}）`);
    listSection("warnings", d.warnings, (w) => `[${w.level}] ${w.title}：${w.explanation}`);
    const f = document.getElementById("rate-formulas");
    f.textContent = Object.values(d.rates.totals).map((t) => `${t.formula}（本期合计 ${t.numerator} ÷ ${t.denominator} = ${t.percent}）`).join("；");
  }

  function listSection(key, items, label) {
    const section = document.getElementById(key + "-section");
    const list = document.getElementById(key + "-list");
    section.classList.toggle("d-none", !items || !items.length);
    list.replaceChildren();
    (items || []).forEach((item) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.textContent = label(item);
      if (item.url) a.href = item.url;
      li.append(a);
      list.append(li);
    });
  }

  function query() {
    const params = new URLSearchParams(new FormData(form));
    return params.toString();
  }

  function updateExportLinks(q) {
    document.querySelectorAll("[data-export]").forEach((a) => {
      a.href = form.dataset.export.replace("CHART", a.dataset.export) + "?" + q;
    });
  }

  let generation = 0;
  async function load() {
    const q = query();
    const mine = ++generation;
    statusEl.textContent = "正在统计……";
    errorEl.classList.add("d-none");
    const started = performance.now();
    const resp = await fetch(form.dataset.url + "?" + q, { headers: { Accept: "application/json" } });
    const data = await resp.json();
    if (mine !== generation) return;  // a newer request has been made
    if (!resp.ok) {
      errorEl.textContent = data.error || "统计失败，请稍后再试";
      errorEl.classList.remove("d-none");
      statusEl.textContent = "";
      return;
    }
    const all = options(data);
    Object.entries(charts).forEach(([key, chart]) => chart.setOption(all[key], true));
    renderTables(data);
    updateExportLinks(q);
    form.dataset.rendered = String(mine);
    form.dataset.total = String(data.summary.total);
    statusEl.textContent = `已更新（${Math.round(performance.now() - started)} 毫秒）`;
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  form.querySelectorAll("select").forEach((s) => s.addEventListener("change", load));
  load();
})();
