// Sortable and filterable tables for the pages that list many rows (the investors' index, the
// comparison): a few lines of inline script, no library, no network. A table with class
// `sortable` sorts on a click on a header (again: the other way); a cell's `data-v` is its sort
// key (the exact number), else its text. An input `data-filter="TABLE-ID"` keeps the rows
// containing its text; a select `data-filter-column="N"` on the same table keeps the rows
// whose column N is the chosen value (empty: all). Without script the page shows every row.

export const TABLE_CSS = `table.sortable th{cursor:pointer;user-select:none;white-space:nowrap}
table.sortable th[aria-sort=ascending]::after{content:" ▲";font-size:.7em}
table.sortable th[aria-sort=descending]::after{content:" ▼";font-size:.7em}
.filters{display:flex;gap:.6rem;align-items:center;margin:.5rem 0}.filters input{padding:.25rem .4rem;min-width:16rem}`;

export const TABLE_SCRIPT = `<script>
(function () {
  function key(td) {
    var v = td.getAttribute('data-v');
    if (v !== null && v !== '' && !isNaN(+v)) return { n: +v };
    return { s: td.textContent.trim().toLowerCase() };
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) return a.n - b.n;
    if (a.n !== undefined) return -1;
    if (b.n !== undefined) return 1;
    return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.title = th.title || 'sort';
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (r, i) { return { r: r, k: key(r.cells[col]), i: i }; });
        rows.sort(function (x, y) { return (asc ? 1 : -1) * compare(x.k, y.k) || x.i - y.i; });
        rows.forEach(function (x) { body.appendChild(x.r); });
      });
    });
  });
  function refilter(id) {
    var table = document.getElementById(id);
    if (!table) return;
    var text = document.querySelector('input[data-filter="' + id + '"]');
    var selects = document.querySelectorAll('select[data-filter="' + id + '"]');
    var q = text ? text.value.trim().toLowerCase() : '';
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      var ok = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
      Array.prototype.forEach.call(selects, function (s) {
        var c = r.cells[+s.getAttribute('data-filter-column')];
        if (s.value && c && c.textContent.trim() !== s.value) ok = false;
      });
      r.hidden = !ok;
      if (ok) shown++;
    });
    var count = document.querySelector('[data-count="' + id + '"]');
    if (count) count.textContent = shown + ' of ' + table.tBodies[0].rows.length;
  }
  document.querySelectorAll('[data-filter]').forEach(function (el) {
    el.addEventListener('input', function () { refilter(el.getAttribute('data-filter')); });
    el.addEventListener('change', function () { refilter(el.getAttribute('data-filter')); });
  });
})();
</script>`;
