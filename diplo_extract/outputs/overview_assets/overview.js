// The overview page: four Vega-Lite charts and a searchable, paged table of meetings.
// Record text only ever reaches the page as text (textContent, Vega text marks, escaped tooltips).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("overview-data").textContent);
  const PAGE = 100;  // rows drawn at once: 20,000 table rows would make the page slow to open and to search
  const views = {};
  const ready = Promise.all(Object.entries(data.specs).map(([name, spec]) =>
    vegaEmbed("#chart-" + name, spec, { actions: false, renderer: "svg" }).then(result => {
      views[name] = result.view;
    })));

  const columns = ["date", "kind", "status", "countries", "participants", "threats"];
  const haystack = data.rows.map(row =>
    [...columns, "title"].map(c => row[c] || "").join("\u0001").toLowerCase());
  let matches = data.rows.map((_, i) => i);
  let page = 0;
  const body = document.querySelector("#meetings tbody");

  function draw() {
    const pages = Math.max(1, Math.ceil(matches.length / PAGE));
    page = Math.min(page, pages - 1);
    const fragment = document.createDocumentFragment();
    for (const index of matches.slice(page * PAGE, (page + 1) * PAGE)) {
      const row = data.rows[index];
      const tr = document.createElement("tr");
      for (const column of columns) {
        const td = document.createElement("td");
        td.className = column;
        td.textContent = row[column] || (column === "date" ? (row.month ? row.month + " (published)" : "") : "");
        tr.append(td);
      }
      const td = document.createElement("td");
      if (row.href) {
        const a = document.createElement("a");
        a.href = row.href;
        a.textContent = row.title;
        td.append(a);
      } else {
        td.textContent = row.title;
      }
      tr.append(td);
      fragment.append(tr);
    }
    body.replaceChildren(fragment);
    document.getElementById("count").textContent =
      matches.length.toLocaleString("en") + " of " + data.rows.length.toLocaleString("en") + " meetings";
    document.getElementById("page").textContent = "page " + (page + 1) + " of " + pages;
    document.getElementById("prev").disabled = page === 0;
    document.getElementById("next").disabled = page >= pages - 1;
  }

  document.getElementById("search").addEventListener("input", event => {
    const words = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
    matches = [];
    haystack.forEach((text, i) => { if (words.every(w => text.includes(w))) matches.push(i); });
    page = 0;
    draw();
  });
  document.getElementById("prev").addEventListener("click", () => { page -= 1; draw(); });
  document.getElementById("next").addEventListener("click", () => { page += 1; draw(); });
  draw();

  window.diploOverview = { views, ready, rows: data.rows };
  ready.then(() => {  // readyAt: milliseconds from navigation to every chart drawn (the load time tests check)
    window.diploOverview.readyAt = performance.now();
    document.body.dataset.ready = "true";
  },
             error => { document.body.dataset.ready = "error"; console.error(error); });
})();
