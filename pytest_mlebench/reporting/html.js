// The MLE-bench HTML report: draws each panel's plotly figure, and keeps the
// competition table's sorting and filtering in step with the panels.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("mlebench-data").textContent);
  const table = document.getElementById("competitions");
  const tbody = table.tBodies[0];
  const panels = document.getElementById("panels");
  const panelOf = (id) => document.getElementById("panel-" + id);
  const only = new URLSearchParams(window.location.search).get("only");

  if (only !== null) {  // one panel, as pytest-html's extra frames it
    document.body.classList.add("only");
    for (const panel of panels.children) panel.hidden = panel.dataset.id !== only;
  }

  const config = { displaylogo: false, responsive: true };
  const drawn = data.panels.filter((p) => only === null || p.id === only);
  Promise.all(drawn.map((p) =>
    Plotly.newPlot("plot-" + p.id, p.figure.data, p.figure.layout, config)
  )).then(() => { document.body.dataset.rendered = String(drawn.length); });

  // Panels follow the table: same order, same rows shown.
  function syncPanels() {
    let shown = 0;
    for (const row of tbody.rows) {
      const panel = panelOf(row.dataset.id);
      panels.appendChild(panel);
      const wasHidden = panel.hidden;
      panel.hidden = row.hidden;
      if (wasHidden && !panel.hidden) Plotly.Plots.resize(document.getElementById("plot-" + row.dataset.id));
      if (!row.hidden) shown += 1;
    }
    document.getElementById("shown-count").textContent = shown + " of " + tbody.rows.length + " competitions";
  }

  function sortBy(th) {
    const column = th.cellIndex;
    const numeric = th.hasAttribute("data-num");
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    for (const other of th.parentNode.cells) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const key = (row) => row.cells[column].dataset.v;
    const rows = Array.from(tbody.rows).sort((a, b) => {
      const order = numeric ? Number(key(a)) - Number(key(b)) : key(a).localeCompare(key(b));
      return ascending ? order : -order;
    });
    for (const row of rows) tbody.appendChild(row);
    syncPanels();
  }

  function applyFilters() {
    const text = document.getElementById("filter-text").value.trim().toLowerCase();
    const split = document.getElementById("filter-split").value;
    const level = document.getElementById("filter-level").value;
    for (const row of tbody.rows) {
      row.hidden = (text && !row.dataset.id.toLowerCase().includes(text))
        || (split && row.dataset.split !== split)
        || (level && !row.dataset.levels.split("|").includes(level));
    }
    syncPanels();
  }

  for (const th of table.tHead.rows[0].cells) th.addEventListener("click", () => sortBy(th));
  for (const id of ["filter-text", "filter-split", "filter-level"]) {
    document.getElementById(id).addEventListener("input", applyFilters);
  }
  if (only === null) syncPanels();
})();
