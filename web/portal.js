// pkiward portal: builds the JSON report (POST /api/report) from the form.
// No framework, no CDN: the page's Content-Security-Policy allows scripts
// from this origin only. Text from the server is inserted as text, never as
// markup.
'use strict';

function $(id) { return document.getElementById(id); }

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

async function postJSON(path, body) {
  const r = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  let data = null;
  try { data = await r.json(); } catch (e) { data = { error: 'unreadable answer (' + r.status + ')' }; }
  return { status: r.status, data };
}

function readFileBase64(file) {
  return new Promise((resolve, reject) => {
    const fr = new FileReader();
    fr.onload = () => resolve(String(fr.result).replace(/^data:[^,]*,/, ''));
    fr.onerror = () => reject(fr.error);
    fr.readAsDataURL(file);
  });
}

function readFileText(file) {
  return new Promise((resolve, reject) => {
    const fr = new FileReader();
    fr.onload = () => resolve(String(fr.result));
    fr.onerror = () => reject(fr.error);
    fr.readAsText(file);
  });
}

function selected(name) {
  const r = document.querySelector('input[name="' + name + '"]:checked');
  return r ? r.value : null;
}

function showOnly(selector, attr, value) {
  document.querySelectorAll(selector).forEach((d) => { d.hidden = d.dataset[attr] !== value; });
}

function refresh() {
  showOnly('.cert-input', 'how', $('cert-how').value);
  showOnly('.proof-input', 'how', selected('proof-how'));
  $('proof-fieldset').hidden = selected('kind') !== 'key-compromise';
}

function certificateIdent() {
  switch ($('cert-how').value) {
    case 'pem': return { pem: $('cert-pem').value };
    case 'sha256': return { sha256: $('cert-sha256').value.trim() };
    case 'crtsh': return { crtsh: $('cert-crtsh').value.trim() };
    case 'issuer-serial': return { issuer: $('cert-issuer').value.trim(), serial: $('cert-serial').value.trim() };
    case 'name': return 'name';
    default: return null;
  }
}

let currentChallenge = null;

async function getChallenge() {
  const { status, data } = await postJSON('/api/challenge', {});
  if (status !== 201) { $('challenge-text').textContent = data.error || ('error ' + status); return; }
  currentChallenge = data.challenge;
  $('challenge-text').textContent = data.challenge;
  $('challenge-help').textContent = 'Valid until ' + data.expires_at + '. Sign exactly this text with the key, e.g. ' +
    "printf '%s' '" + data.challenge + "' > challenge.txt; openssl dgst -sha256 -sign key.pem -out sig.bin challenge.txt; " +
    'base64 -w0 sig.bin — and paste the base64 below. The certificate (step 2) is needed to check it.';
}

async function nameSearch() {
  const out = $('name-results');
  out.textContent = 'Searching…';
  const { status, data } = await postJSON('/api/find', { certificate: { name: $('cert-name').value.trim() } });
  out.textContent = '';
  if (status !== 200) { out.appendChild(el('p', data.error || ('error ' + status), 'error-text')); return; }
  out.appendChild(el('p', data.count + ' certificate(s) with this name, from the whole history' +
    (data.truncated ? ' (first ' + data.certificates.length + ' shown)' : '') + '. Pick one:'));
  const t = el('table');
  const hr = el('tr');
  ['', 'SHA-256', 'serial', 'issuer', 'valid', 'revoked'].forEach((h) => hr.appendChild(el('th', h)));
  t.appendChild(hr);
  data.certificates.forEach((c, i) => {
    const tr = el('tr');
    const td = el('td');
    const rb = el('input');
    rb.type = 'radio'; rb.name = 'picked'; rb.value = c.sha256; rb.id = 'pick-' + i;
    td.appendChild(rb);
    tr.appendChild(td);
    tr.appendChild(el('td', c.sha256, 'mono'));
    tr.appendChild(el('td', c.serial, 'mono'));
    tr.appendChild(el('td', c.issuer));
    tr.appendChild(el('td', c.not_before + ' – ' + c.not_after));
    tr.appendChild(el('td', c.revoked ? 'yes' : 'no'));
    t.appendChild(tr);
  });
  out.appendChild(t);
}

function deadlinesTable(list) {
  const t = el('table');
  const hr = el('tr');
  ['deadline', 'rule', 'due', 'state'].forEach((h) => hr.appendChild(el('th', h)));
  t.appendChild(hr);
  (list || []).forEach((d) => {
    const tr = el('tr');
    tr.appendChild(el('td', d.name));
    tr.appendChild(el('td', d.citation));
    tr.appendChild(el('td', d.due || 'n/a'));
    tr.appendChild(el('td', d.state, 'state-' + d.state));
    t.appendChild(tr);
  });
  return t;
}

function showResult(status, data) {
  const r = $('result');
  r.hidden = false;
  r.textContent = '';
  r.className = '';
  if (status >= 400) {
    r.className = 'error';
    r.appendChild(el('h2', 'Not sent'));
    r.appendChild(el('p', (data.field ? data.field + ': ' : '') + (data.error || ('error ' + status)), 'error-text'));
    return;
  }
  if (data.proven) {
    r.className = 'proven';
    r.appendChild(el('h2', 'Key compromise proven — revoked'));
    r.appendChild(el('p', data.message));
    r.appendChild(el('p', 'Proof: ' + data.proof_type + ' (' + data.proof_detail + '). Key SHA-256: ' + data.spki_sha256));
    r.appendChild(el('p', 'Report ' + data.report + ': ' + data.revoked + ' newly revoked, ' + data.upgraded +
      ' upgraded to keyCompromise, ' + data.already_revoked + ' already revoked.', 'counts'));
    const t = el('table');
    t.id = 'revoked-list';
    const hr = el('tr');
    ['certificate SHA-256', 'kind', 'outcome', 'revocation date', 'published'].forEach((h) => hr.appendChild(el('th', h)));
    t.appendChild(hr);
    (data.items || []).forEach((it) => {
      const tr = el('tr');
      tr.appendChild(el('td', it.sha256, 'mono'));
      tr.appendChild(el('td', it.precertificate ? 'precertificate' : 'certificate'));
      tr.appendChild(el('td', it.outcome));
      tr.appendChild(el('td', it.revocation_date));
      tr.appendChild(el('td', it.status || ''));
      t.appendChild(tr);
    });
    r.appendChild(t);
  } else {
    r.appendChild(el('h2', 'Report ' + data.report + ' recorded'));
    r.appendChild(el('p', data.message));
    if (data.proof_error) r.appendChild(el('p', 'Why the proof was not accepted: ' + data.proof_error, 'error-text'));
    r.appendChild(deadlinesTable(data.deadlines));
  }
  if (data.status_url) {
    const p = el('p', 'Private status link (keep it; it is shown once): ');
    const a = el('a', data.status_url);
    a.href = data.status_url;
    a.id = 'status-link';
    p.appendChild(a);
    r.appendChild(p);
  }
}

async function submit(ev) {
  ev.preventDefault();
  const kind = selected('kind');
  const body = { kind };
  const reporter = $('reporter').value.trim();
  const description = $('description').value;
  if (reporter) body.reporter = reporter;
  if (description) body.description = description;
  let ident = certificateIdent();
  if (ident === 'name') {
    const picked = selected('picked');
    if (!picked) { showResult(400, { error: 'search the name and pick one certificate, or identify it another way' }); return; }
    ident = { sha256: picked };
  }
  if ($('cert-how').value === 'pem' && !$('cert-pem').value && $('cert-file').files.length) {
    ident = { pem: await readFileText($('cert-file').files[0]) };
  }
  if (ident) body.certificate = ident;
  if (kind === 'key-compromise') {
    const how = selected('proof-how');
    if (how === 'file') {
      if ($('proof-file').files.length) body.proof = { file: await readFileBase64($('proof-file').files[0]) };
      else if ($('proof-text').value.trim()) body.proof = { text: $('proof-text').value };
    } else if (how === 'challenge') {
      body.proof = { challenge: currentChallenge || $('challenge-text').textContent, signature: $('challenge-signature').value.trim() };
    }
  }
  $('submit').disabled = true;
  try {
    const { status, data } = await postJSON('/api/report', body);
    showResult(status, data);
  } catch (e) {
    showResult(500, { error: String(e) });
  } finally {
    $('submit').disabled = false;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('input[name="kind"], input[name="proof-how"]').forEach((i) => i.addEventListener('change', refresh));
  $('cert-how').addEventListener('change', refresh);
  $('get-challenge').addEventListener('click', getChallenge);
  $('name-search').addEventListener('click', nameSearch);
  $('report-form').addEventListener('submit', submit);
  refresh();
});
