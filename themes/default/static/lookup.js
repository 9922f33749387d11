// The SOC edition's alert lookup (alerts/index.html). Its data is the page's
// own table, so it works from file:// with no fetch and reads without
// JavaScript; this script only adds the box.
(function () {
  // Mirrors render::routes::normalize and lookup: lowercase, punctuation
  // around the text dropped; exact IDs (or an alert's first word) first.
  var form = document.querySelector('[data-lookup]');
  var input = document.getElementById('lookup-input');
  var list = document.querySelector('[data-lookup-results]');
  var status = document.querySelector('[data-lookup-status]');
  if (!form || !input || !list || !status) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll('.lookup-table tbody tr'));
  function norm(s) { return s.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''); }
  function show() {
    var q = norm(input.value);
    list.textContent = '';
    if (!q) { status.textContent = ''; return; }
    var exact = [], partial = [];
    rows.forEach(function (tr) {
      if (tr.dataset.key === q || tr.dataset.first === q) { exact.push(tr); }
      else if (tr.textContent.toLowerCase().indexOf(q) >= 0) { partial.push(tr); }
    });
    var hits = exact.concat(partial);
    hits.forEach(function (tr) {
      var li = document.createElement('li');
      var a = tr.querySelector('a').cloneNode(true);
      li.appendChild(a);
      li.appendChild(document.createTextNode(' (' + tr.cells[1].textContent + ': ' + tr.cells[0].textContent + ')'));
      list.appendChild(li);
    });
    status.textContent = hits.length === 0 ? 'No run book lists this.' :
      hits.length + (hits.length === 1 ? ' run book link' : ' run book links') + (exact.length ? ', exact matches first.' : '.');
  }
  form.hidden = false;
  input.addEventListener('input', show);
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var first = list.querySelector('a');
    if (first) { window.location.href = first.href; }
  });
  var q = new URLSearchParams(window.location.search).get('q');
  if (q) { input.value = q; }
  show();
}());
