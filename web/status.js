// pkiward report status: the token is in the URL fragment, which browsers
// never send to a server; it is posted in a JSON body instead of a URL.
'use strict';

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

document.addEventListener('DOMContentLoaded', async () => {
  const out = document.getElementById('status');
  const token = decodeURIComponent(location.hash.replace(/^#/, ''));
  out.textContent = '';
  if (!token) { out.appendChild(el('p', 'This page needs the private link you received with your report.')); return; }
  const r = await fetch('/api/status', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
  const d = await r.json();
  if (r.status !== 200) { out.appendChild(el('p', d.error || ('error ' + r.status), 'error-text')); return; }
  out.appendChild(el('h2', 'Report ' + d.report + ' (' + d.kind + ')'));
  out.appendChild(el('p', 'Received ' + d.received_at + '. State: ' + d.state + '. Action: ' + d.action + '.'));
  const t = el('table');
  const hr = el('tr');
  ['deadline', 'rule', 'due', 'state'].forEach((h) => hr.appendChild(el('th', h)));
  t.appendChild(hr);
  d.deadlines.forEach((x) => {
    const tr = el('tr');
    tr.appendChild(el('td', x.name)); tr.appendChild(el('td', x.citation));
    tr.appendChild(el('td', x.due || 'n/a')); tr.appendChild(el('td', x.state, 'state-' + x.state));
    t.appendChild(tr);
  });
  out.appendChild(t);
  if (d.certificates.length) {
    out.appendChild(el('h3', 'Certificates'));
    const ul = el('ul');
    d.certificates.forEach((c) => ul.appendChild(el('li', c.status || c.sha256)));
    out.appendChild(ul);
  }
});
