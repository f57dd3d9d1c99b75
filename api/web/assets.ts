/**
 * The workspace's stylesheet and its one script, served by the app itself (no CDN: the machines reach no internet,
 * and the security policy allows only our own origin). Kept as constants so the build ships them with the code.
 *
 * The script does three small things, each on markup that works without it:
 * - `data-refresh` regions (with an id) are re-read from the same address every `data-refresh-seconds` of the body,
 *   so a coordinator watching a cycle sees lights change without reloading;
 * - a form with `data-confirm` asks before it is sent;
 * - a file input with `data-evidence` is uploaded to /evidence when chosen, and the form gets the stored file's
 *   reference (hidden `evidence` fields: sha256|name) to cite it;
 * - a form with `data-launch` (the coordinator's launch) posts its file as the body of POST /cycles, its other fields
 *   in the query, and shows the launch's warnings or refusal; a browser parses no multipart body on our side.
 */
export const APP_CSS = `
:root { --ink:#1f2329; --muted:#646a73; --line:#dee0e3; --brand:#b71c1c; --bg:#f5f6f7; --green:#2e7d32; --yellow:#b08800; --red:#c62828; }
* { box-sizing: border-box; }
body { margin:0; font-family: "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif; color:var(--ink); background:var(--bg); font-size:15px; line-height:1.6; }
header { display:flex; flex-wrap:wrap; align-items:center; gap:12px 20px; padding:10px 16px; background:#fff; border-bottom:3px solid var(--brand); }
header .brand { font-weight:700; color:var(--brand); text-decoration:none; font-size:18px; }
header nav { display:flex; flex-wrap:wrap; gap:14px; }
header nav a { color:var(--ink); text-decoration:none; }
header nav a:hover { color:var(--brand); }
header .who { margin-left:auto; display:flex; gap:8px; align-items:center; color:var(--muted); }
header .who form { margin:0; }
main { max-width:1200px; margin:0 auto; padding:16px; }
h1 { font-size:22px; margin:8px 0 16px; }
h2 { font-size:18px; margin:24px 0 8px; }
section, .card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 16px; margin-bottom:16px; }
table { width:100%; border-collapse:collapse; background:#fff; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#fafafa; font-weight:600; white-space:nowrap; }
.table-wrap { overflow-x:auto; }
.light { display:inline-block; padding:0 8px; border-radius:10px; color:#fff; font-size:13px; white-space:nowrap; }
.light-green { background:var(--green); } .light-yellow { background:var(--yellow); } .light-red { background:var(--red); } .light-none { background:#8f959e; }
.counts { display:flex; flex-wrap:wrap; gap:12px; }
.counts .count { background:#fff; border:1px solid var(--line); border-radius:6px; padding:8px 14px; min-width:96px; }
.counts .count strong { display:block; font-size:22px; }
.flash { padding:8px 12px; border-radius:4px; }
.flash-ok { background:#e8f5e9; color:var(--green); } .flash-error { background:#ffebee; color:var(--red); }
form.inline { display:inline; }
label { display:block; margin:8px 0 4px; color:var(--muted); }
input[type=text], input[type=password], input[type=number], input[type=date], input[type=search], select, textarea { width:100%; max-width:520px; padding:6px 8px; border:1px solid var(--line); border-radius:4px; font:inherit; }
textarea { min-height:96px; }
button, .button { display:inline-block; padding:6px 14px; border:1px solid var(--brand); background:var(--brand); color:#fff; border-radius:4px; font:inherit; cursor:pointer; text-decoration:none; }
button.secondary, .button.secondary { background:#fff; color:var(--brand); }
.muted { color:var(--muted); }
.chart { display:flex; align-items:flex-end; gap:8px; height:140px; padding:8px 0; }
.chart .bar { flex:1; min-width:28px; background:var(--green); position:relative; }
.chart .bar span { position:absolute; top:-20px; left:0; right:0; text-align:center; font-size:12px; }
.chart .bar.so-far { background:#81c784; }
${Array.from({ length: 21 }, (_, i) => `.chart .h-${i * 5} { height:${i * 5}%; }`).join(' ')}
.chart-labels { display:flex; gap:8px; } .chart-labels span { flex:1; min-width:28px; text-align:center; font-size:12px; color:var(--muted); }
.timeline { list-style:none; padding:0; } .timeline li { border-left:3px solid var(--line); padding:4px 12px; margin-left:6px; }
.report-text { white-space:pre-wrap; }
.items { list-style:none; margin:0; padding:0; } .items li { padding:8px 0; border-bottom:1px solid var(--line); } .items li:last-child { border-bottom:0; } .items p { margin:2px 0; } .items .meta { color:var(--muted); font-size:14px; }
@media (max-width: 640px) {
  header .who { margin-left:0; }
  main { padding:8px; }
  th, td { padding:4px; font-size:14px; }
}
`;

export const APP_JS = `
(function () {
  'use strict';
  var seconds = Number(document.body.getAttribute('data-refresh-seconds'));
  if (seconds > 0) {
    setInterval(function () {
      if (document.hidden) return;
      fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (text) {
          if (!text) return;
          var fresh = new DOMParser().parseFromString(text, 'text/html');
          document.querySelectorAll('[data-refresh][id]').forEach(function (region) {
            var next = fresh.getElementById(region.id);
            if (next && next.innerHTML !== region.innerHTML) region.innerHTML = next.innerHTML;
          });
        })
        .catch(function () {});
    }, seconds * 1000);
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute('data-confirm');
    if (question && !confirm(question)) event.preventDefault();
  });
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute('data-launch') || event.defaultPrevented) return;
    event.preventDefault();
    var status = form.querySelector('[data-launch-status]');
    var say = function (lines, kind) {
      status.className = kind ? 'flash flash-' + kind : '';
      status.textContent = '';
      lines.forEach(function (line) { var p = document.createElement('p'); p.textContent = line; status.appendChild(p); });
    };
    var file = form.querySelector('input[type=file]').files[0];
    if (!file) return say(['请选择任务分解表文件'], 'error');
    var query = new URLSearchParams();
    ['cycle', 'title', 'year'].forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value.trim()) query.set(name, field.value.trim());
    });
    var csrf = form.querySelector('input[name=_csrf]');
    say(['正在发布 ' + file.name + '…']);
    fetch(form.getAttribute('action') + '?' + query.toString(), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-file-name': encodeURIComponent(file.name), 'x-csrf-token': csrf ? csrf.value : '' },
      body: file,
    })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (answer) {
        var body = answer.body;
        if (!answer.ok) {
          return say([body.detail || '发布失败'].concat((body.problems || []).map(function (p) { return p.message; })), 'error');
        }
        var page = '/web/cycles/' + encodeURIComponent(body.cycle.cycleId) + '?done=launched';
        if (!body.warnings || body.warnings.length === 0) { location.href = page; return; }
        say(['已发布，共 ' + body.items + ' 项督办。请留意：'].concat(body.warnings.map(function (w) { return w.message; })), 'ok');
        var link = document.createElement('a');
        link.href = page;
        link.className = 'button';
        link.textContent = '查看周期进展';
        status.appendChild(link);
      })
      .catch(function (error) { say(['发布失败：' + error.message], 'error'); });
  });
  document.addEventListener('change', function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('input[type=file][data-evidence]')) return;
    var form = input.form;
    var csrf = form.querySelector('input[name=_csrf]');
    var status = form.querySelector('[data-evidence-status]');
    Array.prototype.forEach.call(input.files, function (file) {
      if (status) status.textContent = '正在上传 ' + file.name + '…';
      fetch('/evidence', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'x-file-name': encodeURIComponent(file.name), 'x-csrf-token': csrf ? csrf.value : '' },
        body: file,
      })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (answer) {
          if (!answer.ok) throw new Error(answer.body.detail || '上传失败');
          var field = document.createElement('input');
          field.type = 'hidden';
          field.name = 'evidence';
          field.value = answer.body.sha256 + '|' + answer.body.name;
          form.appendChild(field);
          if (status) status.textContent = '已上传：' + answer.body.name;
        })
        .catch(function (error) { if (status) status.textContent = '上传失败：' + error.message; });
    });
  });
})();
`;
