// spamcheck's page: checks a comment or a file through this server's API.
// Text from comments and answers is only ever set with textContent.
'use strict';
const $ = (id) => document.getElementById(id);
const MAX_FILE = 2 << 20, MAX_BATCH = 100, MAX_BODY = 60000;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// api calls a route; on 401 it shows the key field and throws.
async function api(path, body) {
  const h = {};
  const key = $('key').value.trim();
  if (key) h.Authorization = 'Bearer ' + key;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const r = await fetch(path, {method: body === undefined ? 'GET' : 'POST', headers: h,
    body: body === undefined ? undefined : JSON.stringify(body)});
  const a = await r.json().catch(() => ({error: {message: 'HTTP ' + r.status}}));
  if (r.status === 401) $('key-box').hidden = false;
  if (!r.ok) throw new Error(a.error ? a.error.message : 'HTTP ' + r.status);
  return a;
}

async function health() {
  try {
    const h = await api('v1/health');
    const t = h.thresholds || {};
    const p = (x) => Number(x).toPrecision(4);
    let s = `Model ${h.model}, trained ${String(h.trained_at).slice(0, 10)}; reject at P(spam) ≥ ${p(t.reject)}`;
    if (t.review) s += `, review ≥ ${p(t.review)}`;
    $('model').textContent = s + `; mode ${h.mode}.`;
    // models lists the default model (site "") and one per site.
    const ul = $('sites');
    ul.textContent = ''; // asked again when a key is entered
    for (const m of h.models || []) {
      if (!m.site) continue;
      const mt = m.thresholds || {};
      ul.append(el('li', `site ${m.site}: model ${m.model}, reject at P(spam) ≥ ${p(mt.reject)}`));
    }
    ul.hidden = !ul.children.length;
  } catch (e) {
    $('model').textContent = 'Health check failed: ' + e.message;
  }
}

function verdictText(r) {
  return r.shadow_verdict ? `${r.verdict} (shadow: ${r.shadow_verdict})` : r.verdict;
}

// highlight shows text with the spans marked; positions are code points.
function highlight(box, text, spans) {
  box.textContent = '';
  const cps = Array.from(text);
  const max = Math.max(0.5, ...spans.map((s) => Math.abs(s.weight)));
  let at = 0;
  for (const s of spans) {
    if (s.start > at) box.append(cps.slice(at, s.start).join(''));
    const m = el('mark', cps.slice(s.start, s.end).join(''), s.weight > 0 ? 'spam' : 'ham');
    const a = (0.12 + 0.7 * Math.abs(s.weight) / max).toFixed(2);
    m.style.backgroundColor = s.weight > 0 ? `rgba(220,40,40,${a})` : `rgba(30,140,60,${a})`;
    m.title = (s.weight > 0 ? '+' : '') + s.weight;
    m.dataset.weight = s.weight;
    box.append(m);
    at = s.end;
  }
  if (at < cps.length) box.append(cps.slice(at).join(''));
}

function comment(get) {
  const c = {content: get('content') || ''};
  for (const f of ['author', 'author_email', 'author_url', 'site']) {
    const v = (get(f) || '').trim();
    if (v) c[f] = v;
  }
  return c;
}

async function check(ev) {
  ev.preventDefault();
  $('error').textContent = '';
  const c = comment((f) => $(f).value);
  c.explain = true;
  try {
    const r = await api('v1/check', c);
    $('verdict').textContent = verdictText(r);
    $('verdict').className = r.verdict;
    $('prob').textContent = r.spam_probability.toFixed(4);
    highlight($('text'), c.content, r.spans || []);
    const ol = $('reasons');
    ol.textContent = '';
    for (const x of r.reasons) ol.append(el('li', `${x.token} ${x.weight > 0 ? '+' : ''}${x.weight}`));
    $('result').hidden = false;
  } catch (e) {
    $('error').textContent = e.message;
  }
}

// parseCSV reads RFC 4180 CSV into rows of fields.
function parseCSV(s) {
  const rows = [];
  let row = [], f = '', q = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) {
      if (ch === '"' && s[i + 1] === '"') { f += '"'; i++; } else if (ch === '"') q = false; else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(f); f = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(f); rows.push(row); row = []; f = '';
    } else f += ch;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}

// The header names a CSV file's columns may have, the likelier first, as
// the training CLI reads them (content is its text; a test checks that
// the two agree).
const ALIASES = {content: ['text', 'content', 'comment_content', 'comment', 'body', 'message'],
  author: ['author', 'comment_author', 'author_name'], author_email: ['author_email', 'comment_author_email', 'email'],
  author_url: ['author_url', 'comment_author_url', 'url'], site: ['site']};

function pick(o, field) {
  for (const k of ALIASES[field]) if (typeof o[k] === 'string') return o[k];
  return '';
}

// parseFile returns the comments of a CSV or JSON Lines file.
function parseFile(name, s) {
  s = s.replace(/^\uFEFF/, '');
  if (/\.(jsonl|ndjson|json)$/i.test(name) || s.trimStart().startsWith('{')) {
    return s.split(/\r?\n/).filter((l) => l.trim()).map((l, i) => {
      let o;
      try { o = JSON.parse(l); } catch (e) { throw new Error(`line ${i + 1}: not JSON`); }
      return comment((f) => pick(o, f));
    });
  }
  const [head, ...rows] = parseCSV(s);
  if (!head) return [];
  const cols = head.map((h) => h.trim().toLowerCase());
  if (!ALIASES.content.some((a) => cols.includes(a))) throw new Error('no text column in the header (' + ALIASES.content.join(', ') + ')');
  // Of two columns of one name, the first counts, as in the CLI.
  return rows.map((r) => comment((f) => pick(Object.fromEntries(cols.map((c, i) => [c, r[i] || '']).reverse()), f)));
}

let results = [];

async function upload() {
  const file = $('file').files[0];
  if (!file) return;
  const p = $('progress');
  $('batch').hidden = true;
  if (file.size > MAX_FILE) { p.textContent = `The file is ${file.size} bytes; the page reads at most ${MAX_FILE}.`; return; }
  let cs;
  try { cs = parseFile(file.name, await file.text()); } catch (e) { p.textContent = 'Cannot read the file: ' + e.message; return; }
  results = cs.map((c) => ({c, r: null, err: c.content.trim() ? '' : 'empty comment'}));
  const todo = results.filter((x) => !x.err);
  const enc = new TextEncoder();
  for (let i = 0; i < todo.length;) {
    const chunk = [];
    let size = 20;
    while (i < todo.length && chunk.length < MAX_BATCH) {
      const n = enc.encode(JSON.stringify(todo[i].c)).length + 1;
      if (chunk.length && size + n > MAX_BODY) break;
      chunk.push(todo[i++]); size += n;
    }
    p.textContent = `Checking ${i} of ${todo.length}…`;
    try {
      const a = await api('v1/check', {comments: chunk.map((x) => x.c)});
      a.results.forEach((r, k) => { chunk[k].r = r; });
    } catch (e) {
      for (const x of chunk) x.err = e.message;
      if ($('key-box').hidden === false && !$('key').value) break;
    }
  }
  const n = (v) => results.filter((x) => x.r && x.r.verdict === v).length;
  p.textContent = `${results.length} comments: ${n('keep')} keep, ${n('review')} review, ${n('reject')} reject, ` +
    `${results.filter((x) => !x.r).length} not checked.`;
  table();
}

function table() {
  const tb = $('rows');
  tb.textContent = '';
  results.forEach((x, i) => {
    const tr = el('tr');
    const v = x.r ? x.r.verdict : 'error';
    tr.dataset.verdict = v;
    tr.append(el('td', String(i + 1)), el('td', x.r ? verdictText(x.r) : x.err, v),
      el('td', x.r ? x.r.spam_probability.toFixed(4) : ''), el('td', x.c.content.slice(0, 300), 'text'),
      el('td', x.r ? x.r.reasons.slice(0, 3).map((y) => y.token).join(' ') : ''));
    tb.append(tr);
  });
  filter();
  const a = $('download');
  if (a.href) URL.revokeObjectURL(a.href);
  a.href = URL.createObjectURL(new Blob([csv()], {type: 'text/csv'}));
  $('batch').hidden = false;
}

function filter() {
  const on = new Set([...document.querySelectorAll('#filters input:checked')].map((i) => i.value));
  for (const tr of $('rows').children) tr.hidden = !on.has(tr.dataset.verdict);
}

// cell quotes a CSV field and defuses spreadsheet formulas.
function cell(s) {
  s = String(s);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function csv() {
  const lines = [['row', 'verdict', 'spam_probability', 'reasons', 'error', 'content', 'author', 'site'].join(',')];
  results.forEach((x, i) => lines.push([i + 1, x.r ? x.r.verdict : '', x.r ? x.r.spam_probability : '',
    x.r ? x.r.reasons.map((y) => y.token).join(' ') : '', x.err, x.c.content, x.c.author || '', x.c.site || '']
    .map(cell).join(',')));
  return lines.join('\r\n') + '\r\n';
}

document.addEventListener('DOMContentLoaded', () => {
  $('check').addEventListener('submit', check);
  $('file').addEventListener('change', upload);
  $('filters').addEventListener('change', filter);
  $('key').addEventListener('change', health);
  health();
});
