// Task tables: filter the rows by department and by text. Loaded by tasks pages only.
// Without this file the whole table is there; the controls exist only when it runs.
// Data: each row's department ids (data-departments) and, on the table's wrapper, the
// departments of the table with their row counts and the UI strings (data-task-filter).
"use strict";

for (const wrapper of document.querySelectorAll(".task-table[data-task-filter]")) {
  const data = JSON.parse(wrapper.dataset.taskFilter);
  const s = data.strings;
  const rows = [...wrapper.querySelectorAll("tbody tr[data-departments]")];
  // What the text box looks in: the row number and the work text (td[data-text]), not the
  // names of leaders and units (a department's name would match rows that only name it).
  const texts = new Map(rows.map((row) => {
    const heading = row.querySelector(".row-heading");
    const hidden = heading?.querySelector(".visually-hidden");  // "Task " before the row number
    const number = heading ? heading.textContent.replace(hidden ? hidden.textContent : "", "") : "";
    const work = [...row.querySelectorAll("td[data-text]")].map((cell) => cell.textContent);
    return [row, [number, ...work].join(" ").toLowerCase()];
  }));
  const uid = "filter-" + (wrapper.querySelector(".row-heading[id]")?.id || "tasks");

  const form = document.createElement("form");
  form.className = "task-filter";
  form.setAttribute("aria-label", s.legend);
  form.innerHTML = `
    <label for="${uid}-dept"></label> <select id="${uid}-dept"><option value=""></option></select>
    <label for="${uid}-text"></label> <input id="${uid}-text" type="search" autocomplete="off">
    <p class="task-count" role="status" aria-live="polite"></p>`;
  const [deptLabel, textLabel] = form.querySelectorAll("label");
  const select = form.querySelector("select");
  const input = form.querySelector("input");
  const status = form.querySelector(".task-count");
  deptLabel.textContent = s.department;
  textLabel.textContent = s.text;
  select.options[0].textContent = s.all;
  for (const [id, name, count] of data.departments) select.add(new Option(`${name} (${count})`, id));
  form.addEventListener("submit", (event) => event.preventDefault());
  wrapper.prepend(form);

  const apply = () => {
    const dept = select.value;
    const terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const visible = (!dept || row.dataset.departments.split(" ").includes(dept))
        && terms.every((term) => texts.get(row).includes(term));
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    for (const link of wrapper.querySelectorAll("a[data-dept]")) link.classList.toggle("selected", link.dataset.dept === dept);
    for (const group of wrapper.querySelectorAll("tbody")) {
      group.hidden = !group.querySelector("tr[data-departments]:not([hidden])");
    }
    const format = dept || terms.length ? s.count : s.total;
    status.textContent = format.replace("{shown}", shown).replace("{total}", rows.length);
  };

  // ?dept=ID (department pages link here with it) selects a department on arrival.
  const params = new URLSearchParams(location.search);
  if (params.get("dept") && data.departments.some(([id]) => id === params.get("dept"))) select.value = params.get("dept");
  select.addEventListener("change", () => {
    const url = new URL(location.href);
    if (select.value) url.searchParams.set("dept", select.value); else url.searchParams.delete("dept");
    history.replaceState(history.state, "", url);
    apply();
  });
  let timer;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(apply, 120); });
  apply();
}
