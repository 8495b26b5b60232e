// Browser checks for a site built by casefile, run with Node's test runner:
//
//   CASEFILE_BIN=target/debug/casefile node --test tests/browser/
//
// (`cargo test --test browser` does this after running setup.sh.)
//
// Environment:
//   CASEFILE_BIN    path to the casefile binary (required)
//   SITE_ROOT       site folder to build (default: the repository root)
//   SCREENSHOT_DIR  where screenshots go (default: <repo>/target/screenshots)
//   KEEP_SITE=1     keep the built site in its temporary folder and print it
//
// The site is built with a base path (/explainer/) and served from a local
// HTTP server under that prefix, so links that ignore the base path break.
// Every check fails loudly; none is ever skipped.

import { after, test } from 'node:test';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse as parseHtml } from 'parse5';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const PREFIX = '/explainer/';
const CHROMIUM = '/usr/bin/chromium';
const CONCURRENCY = Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length));
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const VNU_JAR = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
const NOT_FOUND_PATH = `${PREFIX}no-such-page/from-the-browser-test/`;
const BUILD_TIMEOUT_MS = 10 * 60_000;
const TEST_TIMEOUT_MS = 15 * 60_000;

// ---------------------------------------------------------------------------
// Inputs

const CASEFILE_BIN = process.env.CASEFILE_BIN;
if (!CASEFILE_BIN) {
  throw new Error('CASEFILE_BIN is not set: point it at the casefile binary ' +
    '(cargo test --test browser sets it; by hand: CASEFILE_BIN=target/debug/casefile node --test tests/browser/)');
}
try {
  fs.accessSync(CASEFILE_BIN, fs.constants.X_OK);
} catch (e) {
  throw new Error(`CASEFILE_BIN=${CASEFILE_BIN} is not an executable file: ${e.message}`);
}
const SITE_ROOT = path.resolve(process.env.SITE_ROOT || REPO);
const SCREENSHOT_DIR = path.resolve(process.env.SCREENSHOT_DIR || path.join(REPO, 'target', 'screenshots'));

// ---------------------------------------------------------------------------
// Small helpers

/** Runs `fn` over `items` with at most `limit` calls in flight; keeps order. */
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Runs a command; resolves with { code, signal, stdout, stderr }. */
function run(cmd, args, { timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = timeoutMs && setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`could not run ${cmd}: ${e.message}`)); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

async function walk(dir) {
  const out = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function isFile(p) {
  try { return fs.statSync(p).isFile(); } catch { return false; }
}
function isDir(p) {
  try { return fs.statSync(p).isDirectory(); } catch { return false; }
}

/** Fails the current test with `message` (a plain Error: no assertion diff noise). */
function check(ok, message) {
  if (ok) return;
  const err = new Error(typeof message === 'function' ? message() : message);
  Error.captureStackTrace(err, check);
  // Keep the message and this file's frames; drop the test runner's.
  const [head, ...frames] = err.stack.split(/\n(?=\s+at )/);
  err.stack = [head, ...frames.filter((f) => f.includes(import.meta.url)).slice(0, 2)].join('\n');
  throw err;
}

function indent(text, by = '    ') {
  return String(text).split('\n').map((l) => by + l).join('\n');
}

// ---------------------------------------------------------------------------
// Static server: serves SITE_DIR under PREFIX, like a host with a base path.

const MIME = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.gif': 'image/gif', '.webp': 'image/webp', '.avif': 'image/avif', '.ico': 'image/x-icon',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf',
  '.webmanifest': 'application/manifest+json', '.pdf': 'application/pdf',
};

let SITE_DIR; // set once the temporary folder exists

function send(req, res, status, headers, body) {
  res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function notFound(req, res) {
  const page = path.join(SITE_DIR, '404.html');
  if (isFile(page)) send(req, res, 404, { 'Content-Type': MIME['.html'] }, fs.readFileSync(page));
  else send(req, res, 404, { 'Content-Type': MIME['.txt'] }, 'Not found\n');
}

function serve(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(req, res, 405, { Allow: 'GET, HEAD' }, 'Method not allowed\n');
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
  } catch {
    return send(req, res, 400, {}, 'Bad request\n');
  }
  if (pathname.includes('\0') || pathname.split(/[/\\]/).includes('..')) {
    return send(req, res, 400, {}, 'Bad request\n');
  }
  if (pathname === PREFIX.slice(0, -1)) return send(req, res, 301, { Location: PREFIX }, '');
  if (!pathname.startsWith(PREFIX)) return notFound(req, res);
  const rel = pathname.slice(PREFIX.length);
  let file = path.join(SITE_DIR, rel);
  if (!file.startsWith(SITE_DIR + path.sep) && file !== SITE_DIR) return send(req, res, 400, {}, 'Bad request\n');
  if (isDir(file)) {
    if (!pathname.endsWith('/')) return send(req, res, 301, { Location: pathname + '/' }, '');
    file = path.join(file, 'index.html');
  }
  if (!isFile(file)) return notFound(req, res);
  const type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
  send(req, res, 200, { 'Content-Type': type }, fs.readFileSync(file));
}

// ---------------------------------------------------------------------------
// Setup: server (to learn a free port), build, browser. Top-level await: if
// any of this fails the whole file fails with the error.

const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'casefile-browser-'));
SITE_DIR = path.join(tmp, 'site');

const server = http.createServer(serve);
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
const PORT = server.address().port;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const BASE_URL = `${ORIGIN}${PREFIX}`;

let browser;
let cleanedUp = false;
async function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  await browser?.close().catch(() => {});
  server.closeAllConnections?.();
  await new Promise((resolve) => server.close(() => resolve()));
  if (process.env.KEEP_SITE) console.log(`# built site kept in ${SITE_DIR}`);
  else await fsp.rm(tmp, { recursive: true, force: true });
}
after(cleanup);

/** Setup failed: clean up, then fail the whole file with `message`. */
async function abort(message) {
  await cleanup();
  throw new Error(message);
}

const buildArgs = ['build', '--root', SITE_ROOT, '--output', SITE_DIR, '--base-url', BASE_URL, '--quiet'];
const build = await run(CASEFILE_BIN, buildArgs, { timeoutMs: BUILD_TIMEOUT_MS });
if (build.code !== 0) {
  await abort(`casefile build failed (${build.signal ? `killed by ${build.signal}` : `exit code ${build.code}`}):\n` +
    `  ${CASEFILE_BIN} ${buildArgs.join(' ')}\n` +
    `--- stdout ---\n${build.stdout}\n--- stderr ---\n${build.stderr}`);
}
if (!isFile(path.join(SITE_DIR, 'index.html'))) {
  await abort(`casefile build succeeded but wrote no index.html at the root of ${SITE_DIR}`);
}

// Every index.html (and 404.html) under the output, as URLs.
const ALL_FILES = await walk(SITE_DIR);
const HTML_FILES = ALL_FILES.filter((f) => /\.html?$/i.test(f)).sort();
const PAGES = HTML_FILES
  .filter((f) => path.basename(f) === 'index.html')
  .map((f) => {
    const dir = path.relative(SITE_DIR, path.dirname(f)).split(path.sep).join('/');
    return { url: BASE_URL + (dir ? dir.split('/').map(encodeURIComponent).join('/') + '/' : ''), file: f, notFound: false };
  });
if (isFile(path.join(SITE_DIR, '404.html'))) {
  // Served where a reader meets it: at a URL that does not exist, a few levels
  // deep, so a 404 page with relative links shows up broken here.
  PAGES.push({ url: ORIGIN + NOT_FOUND_PATH, file: path.join(SITE_DIR, '404.html'), notFound: true });
}
console.log(`# built ${PAGES.length} pages (${HTML_FILES.length} HTML files) from ${SITE_ROOT} into ${SITE_DIR}, served at ${BASE_URL}`);

// The Nu HTML Checker starts now, in parallel with the browser work below.
const vnuRun = run('java', ['-jar', VNU_JAR, '--errors-only', '--skip-non-html', '--format', 'json', SITE_DIR],
  { timeoutMs: TEST_TIMEOUT_MS });
vnuRun.catch(() => {}); // reported by its test

try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
} catch (e) {
  await abort(`could not launch Chromium at ${CHROMIUM} (run tests/browser/setup.sh): ${e.message}`);
}

// ---------------------------------------------------------------------------
// Browser helpers

function isLocal(url) {
  return url.startsWith(ORIGIN + '/') || url === ORIGIN || url.startsWith('data:') || url.startsWith('blob:') ||
    url === 'about:blank';
}

/**
 * A browser context of the given viewport width that blocks every request to
 * another host, recording each into `problems` with the page that made it.
 */
async function newContext(viewportWidth, problems) {
  const context = await browser.newContext({ viewport: { width: viewportWidth, height: 900 } });
  await context.route((url) => !isLocal(url.href), (route, request) => {
    let where = '?';
    try { where = request.frame().page()?.url() ?? '?'; } catch { /* a service worker's request has no frame */ }
    problems.push({ where, what: `request to another host: ${request.url()}` });
    return route.abort('blockedbyclient');
  });
  return context;
}

/** Opens a page that records console errors, page errors and failed requests into `problems`. */
async function openPage(context, problems, colorScheme) {
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.setDefaultNavigationTimeout(60_000);
  await page.emulateMedia({ colorScheme });
  const record = (what) => {
    if (page.__recording === false) return;
    const url = page.url();
    problems.push({ where: url && url !== 'about:blank' ? url : page.__visiting, what });
  };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    // Chromium's "Failed to load resource" repeats what the network events
    // below record more precisely (and the not-found page's own 404 is expected).
    if (/^Failed to load resource/.test(msg.text())) return;
    record(`console error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber + 1})` : ''}`);
  });
  page.on('pageerror', (err) => record(`uncaught exception: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (!isLocal(req.url())) return; // already recorded by the route
    // A navigation cancels the previous page's pending requests (a favicon, say): not a fault.
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    record(`request failed: ${req.url()} (${req.failure()?.errorText ?? 'unknown error'})`);
  });
  page.on('response', (res) => {
    if (res.status() < 400) return;
    if (page.__visitingNotFound && res.url() === page.__visiting && res.status() === 404) return;
    record(`HTTP ${res.status()} for ${res.url()}`);
  });
  return page;
}

async function visit(page, pageInfo) {
  page.__visiting = pageInfo.url;
  page.__visitingNotFound = pageInfo.notFound;
  page.__recording = true;
  const res = await page.goto(pageInfo.url, { waitUntil: 'load' });
  const expected = pageInfo.notFound ? 404 : 200;
  if (!res || res.status() !== expected) {
    throw new Error(`${pageInfo.url}: expected HTTP ${expected}, got ${res ? res.status() : 'no response'}`);
  }
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

async function runAxe(page) {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '), summary: n.failureSummary })),
    }));
  }, AXE_TAGS);
}

/**
 * One pass over every page in one colour scheme and viewport width: axe
 * results, console/network problems and the page's scroll width.
 */
async function sweep(colorScheme, width) {
  const problems = [];
  const context = await newContext(width, problems);
  try {
    const results = await mapLimit(PAGES, CONCURRENCY, async (pageInfo) => {
      const page = await openPage(context, problems, colorScheme);
      try {
        await visit(page, pageInfo);
        await page.waitForTimeout(100); // let late console messages arrive
        page.__recording = false; // injecting axe is our doing, not the page's
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        const violations = await runAxe(page);
        return { url: pageInfo.url, violations, scrollWidth };
      } catch (e) {
        problems.push({ where: pageInfo.url, what: `could not check the page: ${e.message}` });
        return { url: pageInfo.url, violations: null, scrollWidth: null, error: e.message };
      } finally {
        await page.close();
      }
    });
    return { results, problems, width, colorScheme };
  } finally {
    await context.close();
  }
}

// Light at desktop width, dark at phone width: both schemes for contrast, and
// every page at 375 px for horizontal scrolling. Each runs once, shared by the
// tests that read it.
const sweeps = {};
function getSweep(colorScheme) {
  sweeps[colorScheme] ??= sweep(colorScheme, colorScheme === 'light' ? 1280 : 375);
  return sweeps[colorScheme];
}

function formatAxe(sweepResult) {
  const lines = [];
  let count = 0;
  for (const r of sweepResult.results) {
    if (r.violations === null) {
      lines.push(`${r.url}\n  could not run axe: ${r.error}`);
      count++;
      continue;
    }
    if (!r.violations.length) continue;
    lines.push(r.url);
    for (const v of r.violations) {
      count++;
      lines.push(`  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}`);
      for (const n of v.nodes.slice(0, 10)) {
        lines.push(`    - ${n.target}`);
        if (n.summary) lines.push(indent(n.summary.replace(/\n\s*/g, ' / '), '        '));
      }
      if (v.nodes.length > 10) lines.push(`    … and ${v.nodes.length - 10} more elements`);
    }
  }
  return { count, text: lines.join('\n') };
}

// ---------------------------------------------------------------------------
// a. axe-core, WCAG 2.0–2.2 A and AA, in both colour schemes

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core finds no WCAG 2.2 A/AA violations on any page (${colorScheme} scheme)`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const s = await getSweep(colorScheme);
    const { count, text } = formatAxe(s);
    check(count === 0,
      `${count} axe-core violation(s) in the ${colorScheme} colour scheme at ${s.width}px over ${PAGES.length} pages:\n${text}`);
  });
}

// ---------------------------------------------------------------------------
// b. Nu HTML Checker over every HTML file

test('the Nu HTML Checker reports no errors in any HTML file', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { code, signal, stdout, stderr } = await vnuRun;
  let report;
  try {
    report = JSON.parse(stderr.trim() || stdout.trim());
  } catch {
    check(false, `vnu.jar did not print a JSON report (exit ${code ?? signal}):\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
  }
  const errors = (report.messages || []).filter((m) => m.type === 'error' || m.type === 'non-document-error');
  const text = errors.map((m) => {
    const file = m.url ? path.relative(SITE_DIR, fileURLToPath(m.url)) : '(no file)';
    const line = m.lastLine ?? m.firstLine ?? '?';
    const extract = m.extract ? `\n      ${m.extract.replace(/\s+/g, ' ').trim()}` : '';
    return `  ${file}:${line}: ${m.message}${extract}`;
  }).join('\n');
  check(errors.length === 0, `${errors.length} HTML error(s) from the Nu HTML Checker:\n${text}`);
  check(code === 0, `vnu.jar exited with ${code ?? signal} but reported no errors:\n${stderr}`);
});

// ---------------------------------------------------------------------------
// c. Every internal link and #fragment resolves

const LINK_ATTRS = {
  a: ['href'], area: ['href'], link: ['href'], script: ['src'], img: ['src', 'srcset'],
  source: ['src', 'srcset'], iframe: ['src'], video: ['src', 'poster'], audio: ['src'], track: ['src'],
  embed: ['src'], object: ['data'], form: ['action'], use: ['href', 'xlink:href'], image: ['href', 'xlink:href'],
};

function* elements(node) {
  if (node.tagName) yield node;
  for (const child of node.childNodes || []) yield* elements(child);
  if (node.content) yield* elements(node.content); // <template>
}

function attrsOf(el) {
  const out = {};
  for (const a of el.attrs) out[a.prefix ? `${a.prefix}:${a.name}` : a.name] = a.value;
  return out;
}

/** Parses every HTML file once: its ids and its outgoing references. */
const parsedFiles = new Map();
function parsed(file) {
  if (!parsedFiles.has(file)) {
    const doc = parseHtml(fs.readFileSync(file, 'utf8'), { sourceCodeLocationInfo: true });
    const ids = new Set();
    const refs = [];
    let baseHref = null;
    for (const el of elements(doc)) {
      const attrs = attrsOf(el);
      if (attrs.id) ids.add(attrs.id);
      if (el.tagName === 'base' && attrs.href && baseHref === null) baseHref = attrs.href;
      for (const name of LINK_ATTRS[el.tagName] || []) {
        const value = attrs[name];
        if (value === undefined) continue;
        const line = el.sourceCodeLocation?.startLine ?? '?';
        const urls = name === 'srcset'
          ? value.split(',').map((c) => c.trim().split(/\s+/)[0]).filter(Boolean)
          : [value.trim()];
        for (const url of urls) refs.push({ tag: el.tagName, attr: name, url, line });
      }
      // Social cards point at absolute URLs on the site too.
      if (el.tagName === 'meta' && /^(og:(url|image)|twitter:image)$/.test(attrs.property || attrs.name || '') && attrs.content) {
        refs.push({ tag: 'meta', attr: attrs.property || attrs.name, url: attrs.content.trim(), line: el.sourceCodeLocation?.startLine ?? '?' });
      }
    }
    parsedFiles.set(file, { ids, refs, baseHref });
  }
  return parsedFiles.get(file);
}

const ROOT_404 = path.join(SITE_DIR, '404.html');

/**
 * The URL a reader meets a file at. The root 404.html is served at any
 * missing URL, so its links are resolved against a made-up nested one: a
 * relative link there is broken for readers.
 */
function urlOfFile(file) {
  if (file === ROOT_404) return ORIGIN + NOT_FOUND_PATH;
  return BASE_URL + path.relative(SITE_DIR, file).split(path.sep).map(encodeURIComponent).join('/');
}

/** Maps a same-origin URL to the file it serves, or an error string. */
function fileForUrl(url) {
  let pathname;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { error: 'path is not valid percent-encoding' };
  }
  if (!pathname.startsWith(PREFIX)) return { error: `path is outside the base path ${PREFIX}` };
  const rel = pathname.slice(PREFIX.length);
  if (rel.split('/').includes('..')) return { error: 'path contains ..' };
  const target = path.join(SITE_DIR, rel);
  if (pathname.endsWith('/')) {
    const index = path.join(target, 'index.html');
    return isFile(index) ? { file: index } : { error: `no ${path.relative(SITE_DIR, index)} in the output` };
  }
  if (isFile(target)) return { file: target };
  if (isDir(target) && isFile(path.join(target, 'index.html'))) return { file: path.join(target, 'index.html') };
  return { error: `no ${rel || '(root)'} in the output` };
}

test('every internal link, asset and #fragment resolves', { timeout: TEST_TIMEOUT_MS }, () => {
  const broken = [];
  let checked = 0;
  for (const file of HTML_FILES) {
    const { refs, baseHref } = parsed(file);
    const pageUrl = urlOfFile(file);
    const base = baseHref ? new URL(baseHref, pageUrl).href : pageUrl;
    for (const ref of refs) {
      const where = `${path.relative(SITE_DIR, file)}:${ref.line} <${ref.tag} ${ref.attr}="${ref.url}">`;
      if (ref.url === '') {
        if (ref.tag !== 'form') broken.push(`${where}: empty URL`);
        continue;
      }
      if (/^(mailto|tel|sms|javascript|data|blob):/i.test(ref.url)) continue;
      let url;
      try {
        url = new URL(ref.url, base);
      } catch {
        broken.push(`${where}: not a valid URL`);
        continue;
      }
      if (url.origin !== ORIGIN) continue; // another site: not ours to check (test d forbids loading it)
      checked++;
      const target = url.pathname === new URL(pageUrl).pathname ? { file } : fileForUrl(url);
      if (target.error) {
        const note = file === ROOT_404 ? ` (404.html is served at any missing URL, e.g. ${NOT_FOUND_PATH}: use root-relative links)` : '';
        broken.push(`${where}: ${target.error}${note}`);
        continue;
      }
      if (url.hash && url.hash !== '#') {
        let fragment;
        try {
          fragment = decodeURIComponent(url.hash.slice(1));
        } catch {
          broken.push(`${where}: fragment is not valid percent-encoding`);
          continue;
        }
        if (fragment.toLowerCase() === 'top') continue; // the browser's built-in top of page
        if (!/\.html?$/i.test(target.file)) continue;
        if (!parsed(target.file).ids.has(fragment)) {
          broken.push(`${where}: no element with id="${fragment}" in ${path.relative(SITE_DIR, target.file)}`);
        }
      }
    }
  }
  check(checked > 0, `no internal links found in ${HTML_FILES.length} HTML files`);
  check(broken.length === 0,
    `${broken.length} broken internal link(s) out of ${checked} checked in ${HTML_FILES.length} HTML files:\n` +
    broken.map((b) => `  ${b}`).join('\n'));
});

// ---------------------------------------------------------------------------
// d. No console errors, failed requests or requests to other hosts

test('no page logs a console error, throws, fails a request or loads from another host', { timeout: TEST_TIMEOUT_MS }, async () => {
  const problems = [];
  for (const colorScheme of ['light', 'dark']) {
    const s = await getSweep(colorScheme);
    for (const p of s.problems) problems.push(`  ${p.where} [${colorScheme}, ${s.width}px]: ${p.what}`);
  }
  const unique = [...new Set(problems)];
  check(unique.length === 0, `${unique.length} problem(s) while loading ${PAGES.length} pages:\n${unique.join('\n')}`);
});

test('no page scrolls horizontally at 375 px', { timeout: TEST_TIMEOUT_MS }, async () => {
  const s = await getSweep('dark');
  const wide = s.results.filter((r) => r.scrollWidth !== null && r.scrollWidth > 375);
  check(wide.length === 0,
    `${wide.length} page(s) wider than the 375 px viewport:\n` + wide.map((r) => `  ${r.url}: scrollWidth ${r.scrollWidth}px`).join('\n'));
});

// ---------------------------------------------------------------------------
// e. A reader's path, with real clicks

/**
 * The first visible same-site link whose href contains `part`, preferring one
 * that names a single item (`part` followed by a slug), e.g. /allegations/x/
 * rather than the /allegations/ index. Fails naming what was missing.
 */
async function findLink(page, part, what) {
  const links = page.locator(`a[href*="${part}"]`).filter({ visible: true });
  // SVG links (the relationship map) expose href as an SVGAnimatedString: resolve the attribute.
  const hrefs = await links.evaluateAll((els) => els.map((e) => new URL(e.getAttribute('href'), document.baseURI).href));
  const itemRe = new RegExp(`${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^/#?]+`);
  let index = hrefs.findIndex((h) => h.startsWith(ORIGIN + '/') && itemRe.test(new URL(h).pathname));
  if (index < 0) index = hrefs.findIndex((h) => h.startsWith(ORIGIN + '/'));
  if (index < 0) {
    check(false, `${what}: no visible link on ${page.url()} whose href contains "${part}"` +
      (hrefs.length ? ` and stays on this site (found only: ${hrefs.join(', ')})` : ''));
  }
  return { link: links.nth(index), href: hrefs[index] };
}

async function clickThrough(page, part, what) {
  const { link, href } = await findLink(page, part, what);
  const from = page.url();
  await link.click();
  await page.waitForURL((u) => u.href !== from, { timeout: 30_000 }).catch(() => {
    check(false, `${what}: clicking the link to ${href} on ${from} did not navigate`);
  });
  await page.waitForLoadState('load');
  return page.url();
}

async function assertH1(page, what) {
  const h1 = page.locator('h1');
  const count = await h1.count();
  check(count > 0, `${what}: ${page.url()} has no <h1>`);
  const text = (await h1.first().innerText()).trim();
  check(text.length > 0, `${what}: ${page.url()} has an empty <h1>`);
  return text;
}

function samePage(a, b) {
  const ua = new URL(a);
  const ub = new URL(b);
  return ua.origin === ub.origin && ua.pathname === ub.pathname;
}

test("a reader's path: home → Han Dong → an allegation → a source, then back twice", { timeout: TEST_TIMEOUT_MS }, async () => {
  const problems = [];
  const context = await newContext(1280, problems);
  try {
    const page = await openPage(context, problems, 'light');
    await visit(page, { url: BASE_URL, notFound: false });
    await assertH1(page, 'home page');

    const personUrl = await clickThrough(page, '/people/han-dong/', 'home page → Han Dong');
    check(/\/people\/han-dong\/$/.test(new URL(personUrl).pathname), `expected to land on Han Dong's page, got ${personUrl}`);
    await assertH1(page, "Han Dong's page");

    const allegationUrl = await clickThrough(page, '/allegations/', "Han Dong's page → an allegation");
    check(/\/allegations\//.test(new URL(allegationUrl).pathname), `expected an allegation page, got ${allegationUrl}`);
    await assertH1(page, 'allegation page');

    const sourceUrl = await clickThrough(page, '/sources/', 'allegation page → a source');
    check(/\/sources\//.test(new URL(sourceUrl).pathname), `expected a source page, got ${sourceUrl}`);
    await assertH1(page, 'source page');

    await page.goBack({ waitUntil: 'load' });
    check(samePage(page.url(), allegationUrl), `after one Back: expected ${allegationUrl}, got ${page.url()}`);
    await page.goBack({ waitUntil: 'load' });
    check(samePage(page.url(), personUrl), `after two Backs: expected ${personUrl}, got ${page.url()}`);
    await assertH1(page, "Han Dong's page after going back");
  } finally {
    await context.close();
  }
  const unique = [...new Set(problems.map((p) => `  ${p.where}: ${p.what}`))];
  check(unique.length === 0, `problems along the reader's path:\n${unique.join('\n')}`);
});

// ---------------------------------------------------------------------------
// f. Screenshots at phone and desktop widths, light and dark

test('search: a query finds entries under the base path, the collection filter narrows them, and only part of the index loads', { timeout: TEST_TIMEOUT_MS }, async () => {
  const problems = [];
  const context = await newContext(1280, problems);
  try {
    const page = await openPage(context, problems, 'light');
    const fetched = [];
    page.on('response', async (res) => {
      if (!res.url().includes(`${PREFIX}search/`) || !res.url().endsWith('.json')) return;
      const body = await res.body().catch(() => Buffer.alloc(0));
      fetched.push({ url: res.url(), bytes: body.length });
    });
    await visit(page, { url: `${BASE_URL}search/`, notFound: false });
    await page.locator('#search-q').fill('consul');
    await page.locator('#search-results li').first().waitFor({ timeout: 15_000 });
    const links = await page.locator('#search-results a').evaluateAll((els) => els.map((e) => e.href));
    check(links.length > 0, 'search for "consul" found nothing');
    check(links.every((h) => h.startsWith(BASE_URL)), `result links leave the base path: ${links.join(', ')}`);
    check(links.some((h) => h.includes('/people/han-tao/')), `Han Tao (consul general) is not among the results: ${links.join(', ')}`);
    const shards = fetched.filter((f) => f.url.includes('/search/index/'));
    const allShards = ALL_FILES.filter((f) => f.includes(`search${path.sep}index${path.sep}`));
    check(shards.length === 1, `one word should load one shard, loaded ${shards.length}`);
    console.log(`# first query: ${fetched.length} requests, ${fetched.reduce((n, f) => n + f.bytes, 0)} bytes; ${shards.length} of ${allShards.length} index shards`);

    await page.locator('#search-section').selectOption('people');
    await page.waitForFunction(() => {
      const found = [...document.querySelectorAll('#search-results a')];
      return found.length > 0 && found.every((a) => a.href.includes('/people/'));
    }, null, { timeout: 15_000 }).catch(() => undefined);
    const filtered = await page.locator('#search-results a').evaluateAll((els) => els.map((e) => e.href));
    check(filtered.length > 0 && filtered.every((h) => h.includes('/people/')), `the People filter left other results: ${filtered.join(', ')}`);
    check(new URL(page.url()).search.includes('section=people'), `the query is kept in the address: ${page.url()}`);
  } finally {
    await context.close();
  }
  const unique = [...new Set(problems.map((p) => `  ${p.where}: ${p.what}`))];
  check(unique.length === 0, `problems on the search page:\n${unique.join('\n')}`);
});

test('search: forms of a word, a misspelt name and linked titles are found, title matches first, matches highlighted', { timeout: TEST_TIMEOUT_MS }, async () => {
  const problems = [];
  const context = await newContext(1280, problems);
  try {
    const page = await openPage(context, problems, 'light');
    /** The results of a query typed into the address, as a reader shares a search. */
    const results = async (q, section = '') => {
      const params = new URLSearchParams({ q, ...(section ? { section } : {}) });
      await visit(page, { url: `${BASE_URL}search/?${params}`, notFound: false });
      await page.waitForFunction(() => /result|unavailable/.test(document.getElementById('search-status').textContent), null, { timeout: 15_000 });
      const status = await page.locator('#search-status').textContent();
      const cards = await page.locator('#search-results li').evaluateAll((lis) => lis.map((li) => {
        const a = li.querySelector('a.card-title');
        const p = li.querySelector('p');
        return {
          path: new URL(a.href).pathname,
          title: a.textContent,
          titleMarks: [...a.querySelectorAll('mark')].map((m) => m.textContent),
          textMarks: p ? [...p.querySelectorAll('mark')].map((m) => m.textContent) : [],
        };
      }));
      return { count: Number((status.match(/^(\d+) results?/) || [0, -1])[1]), status, cards };
    };
    const paths = (r) => r.cards.map((c) => c.path.slice(PREFIX.length)).join(', ');

    // "released", "release", "releasing" are one word: 17 pages have Spavor and a form
    // of release (8 of them with "released" itself).
    const spavor = await results('Spavor released');
    check(spavor.count >= 17, `"Spavor released" found ${spavor.count} pages, expected at least 17 (${spavor.status}): ${paths(spavor)}`);
    check(spavor.cards.some((c) => c.path.endsWith('/people/han-tao/')),
      `"Spavor released" misses Han Tao's page, which says "releasing": ${paths(spavor)}`);
    const first = spavor.cards[0];
    check(first.path.endsWith('/events/two-michaels-released/'),
      `the entry whose title matches should come first, got ${first.path}: ${paths(spavor)}`);
    check(first.titleMarks.includes('Spavor') && first.titleMarks.includes('released'),
      `the title's matches are not marked: ${JSON.stringify(first)}`);
    check(spavor.cards.some((c) => c.textMarks.some((m) => /^releas(e|ing)$/i.test(m))),
      `no excerpt marks a form of "released": ${JSON.stringify(spavor.cards.map((c) => c.textMarks))}`);

    // A misspelt name: one letter off finds Michael Kovrig, marked as he is spelt.
    const kovrik = await results('Kovrik');
    check(kovrik.count > 0 && kovrik.cards[0].path.endsWith('/people/michael-kovrig/'),
      `"Kovrik" should find Michael Kovrig first, found ${kovrik.status}: ${paths(kovrik)}`);
    check(kovrik.cards[0].titleMarks.join() === 'Kovrig', `"Kovrig" is not marked: ${JSON.stringify(kovrik.cards[0])}`);

    // "Canada arrests Meng Wanzhou" shows Han Dong only as the title of its source.
    const dong = await results('Dong', 'events');
    check(dong.cards.some((c) => c.path.endsWith('/events/meng-wanzhou-arrested/')),
      `"Dong" in Events misses the page that links him only through its sources field: ${paths(dong)}`);

    // Marks are elements made from the text, never markup parsed from the index.
    const marksOnly = await page.locator('#search-results').evaluate((ol) =>
      [...ol.querySelectorAll('*')].every((el) => ['LI', 'A', 'SPAN', 'P', 'MARK'].includes(el.tagName)));
    check(marksOnly, 'the results hold elements other than the cards and their marks');
  } finally {
    await context.close();
  }
  const unique = [...new Set(problems.map((p) => `  ${p.where}: ${p.what}`))];
  check(unique.length === 0, `problems on the search page:\n${unique.join('\n')}`);
});

test('screenshots of key pages at 375 and 1280 px, light and dark', { timeout: TEST_TIMEOUT_MS }, async () => {
  await fsp.mkdir(SCREENSHOT_DIR, { recursive: true });
  // Find the first allegation linked from Han Dong's page.
  const problems = [];
  const personUrl = `${BASE_URL}people/han-dong/`;
  let allegationUrl;
  let missing = null;
  {
    const context = await newContext(1280, problems);
    try {
      const page = await openPage(context, problems, 'light');
      await visit(page, { url: personUrl, notFound: false });
      allegationUrl = (await findLink(page, '/allegations/', "Han Dong's page → first allegation")).href;
    } catch (e) {
      missing = e.message; // the other screenshots are still worth taking
    } finally {
      await context.close();
    }
  }
  const targets = [
    { name: 'home', url: BASE_URL },
    { name: 'han-dong', url: personUrl },
    ...(allegationUrl ? [{ name: 'allegation', url: allegationUrl }] : []),
    { name: 'timeline', url: `${BASE_URL}timeline/` },
  ];
  const jobs = [];
  for (const width of [375, 1280]) {
    for (const colorScheme of ['light', 'dark']) jobs.push({ width, colorScheme });
  }
  const tooWide = [];
  const written = [];
  const failed = [];
  await mapLimit(jobs, CONCURRENCY, async ({ width, colorScheme }) => {
    const context = await newContext(width, problems);
    try {
      for (const t of targets) {
        const page = await openPage(context, problems, colorScheme);
        try {
          try {
            await visit(page, { url: t.url, notFound: false });
          } catch (e) {
            failed.push(`  ${t.name} at ${width}px ${colorScheme}: ${e.message}`);
            continue;
          }
          if (width === 375) {
            const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
            if (scrollWidth > 375) tooWide.push(`  ${t.url} [${colorScheme}]: scrollWidth ${scrollWidth}px`);
          }
          const file = path.join(SCREENSHOT_DIR, `${t.name}-${width}-${colorScheme}.png`);
          await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
          written.push(file);
        } finally {
          await page.close();
        }
      }
    } finally {
      await context.close();
    }
  });
  console.log(`# ${written.length} screenshots in ${SCREENSHOT_DIR}`);
  check(!missing, `no allegation screenshots: ${missing}`);
  check(failed.length === 0, `screenshots not taken:\n${failed.join('\n')}`);
  check(tooWide.length === 0, `pages that scroll horizontally at 375 px:\n${tooWide.join('\n')}`);
  const unique = [...new Set(problems.map((p) => `  ${p.where}: ${p.what}`))];
  check(unique.length === 0, `problems while taking screenshots:\n${unique.join('\n')}`);
});
