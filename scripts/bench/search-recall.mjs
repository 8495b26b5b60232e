// Search recall and bytes: casefile's search page against Pagefind, in headless Chromium,
// on the same built site. Run by scripts/search-recall.sh, which builds the site, runs
// Pagefind over a copy of it and passes:
//
//   node scripts/bench/search-recall.mjs CASEFILE_OUT PAGEFIND_OUT [QUERIES.json]
//   node scripts/bench/search-recall.mjs --casefile-only OUT QUERIES.json   (large corpora)
//
// The documents are the pages casefile's index lists (entries and standalone pages). A
// page's text is its <article> without the backlink cards (section.connections): what
// the page shows of itself. Pagefind is given that same region (--root-selector
// article, --exclude-selectors .connections). The ground truth of a query is the set
// of pages whose text holds every query word in some form: a word of the page whose
// Snowball stem (accents folded) is the query word's. A query may name the `intended`
// words (for a misspelt query); the truth is then computed from those.
//
// Bytes are what the browser downloads for one query in a fresh context (cold cache),
// compressed as a static host serves them (gzip for HTML, CSS, JS, JSON; Pagefind's
// own files are gzipped already): for casefile search.js and everything under
// search/, for Pagefind everything under pagefind/, including the result fragments
// it needs to show the first 20 results (casefile's page size).

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const require = createRequire(path.join(REPO, 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');
const { parse } = require('parse5');

const args = process.argv.slice(2);
const casefileOnly = args[0] === '--casefile-only';
if (casefileOnly) args.shift();
const [casefileOut, pagefindOut, queriesFile] = casefileOnly ? [args[0], null, args[1]] : args;
if (!casefileOut || (!casefileOnly && !pagefindOut)) {
  console.error('usage: search-recall.mjs CASEFILE_OUT PAGEFIND_OUT [QUERIES.json] | --casefile-only OUT QUERIES.json');
  process.exit(2);
}
const QUERIES = JSON.parse(fs.readFileSync(queriesFile || path.join(HERE, 'search-queries.json'), 'utf8'));
const PAGE = 20;

// --- the stemmer and words, as casefile's index makes them (checked against Rust) ----
const manifest = JSON.parse(fs.readFileSync(path.join(casefileOut, 'search', 'manifest.json'), 'utf8'));
const Stemmer = manifest.stemmer
  ? (await import(`data:text/javascript;base64,${fs.readFileSync(path.join(casefileOut, 'search', manifest.stemmer)).toString('base64')}`)).default
  : null;
const stemmer = Stemmer ? new Stemmer() : null;
const stop = new Set(manifest.stop_words);
const SPELLED = { 'œ': 'oe', 'æ': 'ae', 'ß': 'ss', 'ø': 'o', 'ł': 'l', 'đ': 'd', 'ð': 'd', 'þ': 'th', 'ı': 'i' };
const fold = (w) => Array.from(w.normalize('NFKD').replace(/\p{M}/gu, ''), (c) => SPELLED[c.toLowerCase()] || c.toLowerCase()).join('');
const stem = (w) => (stemmer ? stemmer.stem(w) : w);
function words(text) {
  return (text.match(/[\p{Alphabetic}\p{N}\p{M}]+/gu) || [])
    .filter((w) => Array.from(w).length >= 2)
    .map((w) => Array.from(w).slice(0, 32).join('').toLowerCase())
    .filter((w) => !stop.has(w));
}
function terms(w) {
  const a = fold(stem(w)); const f = fold(w);
  if (f === w) return [a];
  const b = fold(stem(f));
  return a === b ? [a] : [a, b];
}

// --- the documents and the ground truth -------------------------------------------------
function docUrls(out) {
  const urls = [];
  for (const f of fs.readdirSync(path.join(out, 'search', 'docs'))) {
    for (const r of JSON.parse(fs.readFileSync(path.join(out, 'search', 'docs', f), 'utf8'))) urls.push(r[1]);
  }
  return urls;
}
function textOf(node, into) {
  if (node.nodeName === '#text') { into.push(node.value); return; }
  if (node.nodeName === 'script' || node.nodeName === 'style') return;
  const cls = (node.attrs || []).find((a) => a.name === 'class');
  if (node.nodeName === 'section' && cls && cls.value.split(/\s+/).includes('connections')) return;
  for (const c of node.childNodes || []) { textOf(c, into); into.push(' '); }
}
function findArticle(node) {
  if (node.nodeName === 'article') return node;
  for (const c of node.childNodes || []) { const a = findArticle(c); if (a) return a; }
  return null;
}
const urls = docUrls(casefileOut);
function fileOf(out, url) {
  const p = new URL(url, 'http://x').pathname;
  return path.join(out, decodeURIComponent(p.slice(SITE_PREFIX.length)), 'index.html');
}
// The site's base path ("/explainer/"): the common start of every document URL.
const SITE_PREFIX = urls.reduce((acc, u) => {
  let i = 0;
  while (i < acc.length && acc[i] === u[i]) i++;
  return acc.slice(0, acc.lastIndexOf('/', i - 1) + 1);
}, urls[0]);
const pageTerms = new Map();
if (!casefileOnly) {
  for (const url of urls) {
    const html = fs.readFileSync(fileOf(casefileOut, url), 'utf8');
    const article = findArticle(parse(html));
    const parts = [];
    if (article) textOf(article, parts);
    const set = new Set();
    for (const w of words(parts.join(''))) for (const t of terms(w)) set.add(t);
    pageTerms.set(url, set);
  }
}
function truth(q) {
  const qs = words(q.intended || q.query).map(terms);
  return new Set(urls.filter((u) => qs.every((ts) => ts.some((t) => pageTerms.get(u).has(t)))));
}

// --- a static host: gzip for text types, like GitHub Pages or Netlify ------------------
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.css': 'text/css', '.svg': 'image/svg+xml', '.wasm': 'application/wasm' };
const GZIP = new Set(['.html', '.js', '.mjs', '.json', '.css', '.svg']);
function host(root, mount) {
  return (req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!p.startsWith(mount) || p.split('/').includes('..')) { res.writeHead(404); res.end(); return; }
    let file = path.join(root, p.slice(mount.length));
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    const ext = path.extname(file);
    let body = fs.readFileSync(file);
    const headers = { 'Content-Type': TYPES[ext] || 'application/octet-stream', 'Cache-Control': 'no-store' };
    if (GZIP.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      body = zlib.gzipSync(body, { level: 9 });
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(body);
  };
}
async function listen(handler) {
  const server = http.createServer(handler);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const cf = await listen(host(casefileOut, SITE_PREFIX));
const pf = casefileOnly ? null : await listen(host(pagefindOut, SITE_PREFIX));
// BASELINE: another casefile build of the same site (an older casefile), queried the same way.
const BASELINE = process.env.BASELINE || null;
const bl = BASELINE ? await listen(host(BASELINE, SITE_PREFIX)) : null;

/** Bytes on the wire of the responses whose URL passes `keep`, counted from now on. */
function meter(page, keep) {
  const seen = [];
  page.on('requestfinished', async (req) => {
    if (!keep(req.url())) return;
    const sizes = await req.sizes().catch(() => null);
    if (sizes) seen.push({ url: req.url(), bytes: sizes.responseBodySize });
    if (process.env.DEBUG_URLS) console.error(req.url(), sizes && sizes.responseBodySize);
  });
  return seen;
}
const sum = (list) => list.reduce((n, f) => n + f.bytes, 0);
const settle = () => new Promise((r) => setTimeout(r, 150));

async function casefileQuery(q, at = cf) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The index files and the script, not the search page itself (Pagefind's are not
  // counted either: both are measured on the same page).
  const seen = meter(page, (u) => (u.includes(`${SITE_PREFIX}search/`) && /\.(json|js)$/.test(u)) || /\/search\.[0-9a-f]+\.js$/.test(u));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${at.origin}${SITE_PREFIX}search/`, { waitUntil: 'load' });
  const results = async () => page.evaluate(() => [...document.querySelectorAll('#search-results a.card-title')].map((a) => new URL(a.href).pathname));
  const waitFor = () => page.waitForFunction(() => /result|unavailable/.test(document.getElementById('search-status').textContent), null, { timeout: 20_000 });
  await page.locator('#search-q').fill(q.query);
  await waitFor();
  await settle();
  const status = await page.locator('#search-status').textContent();
  const total = Number((status.match(/^(\d+)/) || [0, 0])[1]);
  const bytes = sum(seen);
  const requests = seen.length;
  const first = await results();
  // Every hit: the page shows 20, so the rest are read through the section filter (no
  // section of the bundled site has more than 20 entries), uncounted.
  const found = new Set(first);
  if (total > first.length) {
    const sections = await page.locator('#search-section option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    for (const s of sections) {
      await page.evaluate(() => { document.getElementById('search-status').textContent = ''; });
      await page.locator('#search-section').selectOption(s);
      await waitFor();
      for (const u of await results()) found.add(u);
    }
  }
  await context.close();
  if (errors.length) throw new Error(`casefile "${q.query}": ${errors.join('; ')}`);
  return { found, total, bytes, requests };
}

async function pagefindQuery(q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = meter(page, (u) => u.includes(`${SITE_PREFIX}pagefind/`));
  await page.goto(`${pf.origin}${SITE_PREFIX}search/`, { waitUntil: 'load' });
  const result = await page.evaluate(async ({ query, base, pageSize }) => {
    const pagefind = await import(`${base}pagefind/pagefind.js`);
    await pagefind.options({ baseUrl: base });
    await pagefind.init();
    const search = await pagefind.search(query);
    const shown = await Promise.all(search.results.slice(0, pageSize).map((r) => r.data()));
    window.__rest = search.results.slice(pageSize);
    return { total: search.results.length, shown: shown.map((d) => d.url) };
  }, { query: q.query, base: SITE_PREFIX, pageSize: PAGE });
  await settle();
  const bytes = sum(seen);
  const requests = seen.length;
  const rest = await page.evaluate(async () => (await Promise.all(window.__rest.map((r) => r.data()))).map((d) => d.url));
  await context.close();
  const norm = (u) => new URL(u, 'http://x').pathname.replace(/index\.html$/, '');
  return { found: new Set([...result.shown, ...rest].map(norm)), total: result.total, bytes, requests };
}

const kb = (n) => (n / 1024).toFixed(1);
const rows = [];
for (const q of QUERIES) {
  const c = await casefileQuery(q);
  const row = { query: q.query, note: q.note || '', casefile: c };
  if (!casefileOnly) {
    row.truth = truth(q);
    row.pagefind = await pagefindQuery(q);
    if (bl) row.baseline = await casefileQuery(q, bl);
  }
  rows.push(row);
}
await browser.close();
cf.server.close();
if (bl) bl.server.close();
if (pf) pf.server.close();

const recall = (found, t) => (t.size === 0 ? (found.size === 0 ? 1 : 0) : [...t].filter((u) => found.has(u)).length / t.size);
const pct = (x) => `${Math.round(x * 100)} %`;
const pct1 = (x) => `${(x * 100).toFixed(1)} %`;
if (casefileOnly) {
  console.log('| query | results | requests | bytes (gzip) |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.query} | ${r.casefile.total} | ${r.casefile.requests} | ${kb(r.casefile.bytes)} KB |`);
  const max = Math.max(...rows.map((r) => r.casefile.bytes));
  console.log(`\nlargest first query: ${kb(max)} KB`);
} else {
  console.log(`${urls.length} documents. Truth: pages whose text (article without backlink cards) has every query word in some form.\n`);
  const engines = [['casefile', 'casefile'], ['Pagefind', 'pagefind']];
  if (bl) engines.push(['baseline casefile', 'baseline']);
  console.log(`| query | truth | ${engines.map(([n]) => `${n}: found (true) | recall`).join(' | ')} | ${engines.map(([n]) => `${n} bytes`).join(' | ')} |`);
  console.log(`|---|---:|${engines.map(() => '---:|---:').join('|')}|${engines.map(() => '---:').join('|')}|`);
  const sums = engines.map(() => 0), bytes = engines.map(() => 0);
  for (const r of rows) {
    const cells = engines.map(([, k], i) => {
      const f = r[k].found, rc = recall(f, r.truth);
      sums[i] += rc; bytes[i] += r[k].bytes;
      return `${r[k].total} (${[...r.truth].filter((u) => f.has(u)).length}) | ${pct(rc)}`;
    });
    console.log(`| ${r.query}${r.note ? ` (${r.note})` : ''} | ${r.truth.size} | ${cells.join(' | ')} | ${engines.map(([, k]) => `${kb(r[k].bytes)} KB`).join(' | ')} |`);
  }
  console.log(`| **mean** | | ${engines.map((_, i) => `| **${pct1(sums[i] / rows.length)}**`).join(' | ')} | ${engines.map((_, i) => `${kb(bytes[i] / rows.length)} KB`).join(' | ')} |`);
  if (process.env.VERBOSE) {
    for (const r of rows) {
      const miss = (f) => [...r.truth].filter((u) => !f.has(u));
      const extra = (f) => [...f].filter((u) => !r.truth.has(u));
      console.log(`\n${r.query}:`);
      for (const [n, k] of engines) console.log(`  ${n} misses ${miss(r[k].found).join(' ')} | extra ${extra(r[k].found).join(' ')}`);
    }
  }
}
