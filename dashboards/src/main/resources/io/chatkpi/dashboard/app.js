// The chatkpi web dashboard: plain ES module, no build step. Talks to the API of the server that serves it,
// with the API key of this browser tab (sessionStorage) as a bearer token. View and filters live in the URL hash
// (#/kpis?preset=last7&tz=Europe/Paris&queueId=billing) so a view can be shared and survives a reload.
import { fmtInt, fmtMs, fmtSeconds, fmtPct, fmtChange, el, clear } from './format.js';

const KEY_STORAGE = 'chatkpi.apiKey';
const THRESHOLDS_STORAGE = 'chatkpi.thresholds';
const LIVE_REFRESH_MS = 5000;
const VIEWS = ['live', 'kpis', 'reps', 'sessions', 'accuracy'];

// ---- API -------------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path, params = {}, { raw = false, key = sessionStorage.getItem(KEY_STORAGE) } = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') query.set(k, v);
  const url = path + (query.toString() ? '?' + query : '');
  let response;
  try {
    response = await fetch(url, { headers: { Authorization: 'Bearer ' + key } });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'The API did not answer (' + e.message + ')');
  }
  if (!response.ok) {
    let code = 'HTTP_' + response.status;
    let message = response.statusText;
    try {
      const body = await response.json();
      code = body.error || code;
      message = body.message || message;
    } catch (ignored) { /* not JSON */ }
    if (response.status === 401 && !raw) signOut('Your API key was refused: ' + message);
    throw new ApiError(response.status, code, message);
  }
  return raw ? response : response.json();
}

// ---- URL state -------------------------------------------------------------------------------------------------

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, query] = hash.split('?');
  return { view: VIEWS.includes(name) ? name : 'live', params: new URLSearchParams(query || '') };
}

function setParams(updates) {
  const { view, params } = route();
  for (const [k, v] of Object.entries(updates)) {
    if (v === undefined || v === null || v === '') params.delete(k); else params.set(k, v);
  }
  const next = '#/' + view + (params.toString() ? '?' + params : '');
  if (next !== location.hash) location.hash = next;
}

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

function addDays(day, n) {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return isoDay(d);
}

function todayIn(tz) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

/** The date range of the URL: from and to inclusive local days in tz; the API gets to as the exclusive next day. */
function rangeOf(params) {
  const tz = params.get('tz') || browserZone;
  const preset = params.get('preset') || (params.get('from') ? 'custom' : 'today');
  const today = todayIn(tz);
  let from;
  let to;
  switch (preset) {
    case 'yesterday': from = to = addDays(today, -1); break;
    case 'last7': from = addDays(today, -6); to = today; break;
    case 'thisMonth': from = today.slice(0, 8) + '01'; to = today; break;
    case 'custom':
      from = params.get('from') || today;
      to = params.get('to') || from;
      if (to < from) to = from;
      break;
    default: from = to = today;
  }
  const days = (Date.parse(to) - Date.parse(from)) / 86400000 + 1;
  const granularity = params.get('g') || (days <= 2 ? '1h' : '1d');
  return { preset, from, to, tz, days, granularity, apiFrom: from, apiTo: addDays(to, 1) };
}

// ---- shared pieces ---------------------------------------------------------------------------------------------

let knownQueues = [];

async function loadQueueNames() {
  try {
    const body = await api('/api/v1/queues');
    knownQueues = body.queues.map(q => q.queueId).filter(Boolean);
  } catch (e) {
    if (e.status === 401) throw e;
  }
}

function loading(container, what) {
  clear(container);
  container.setAttribute('aria-busy', 'true');
  container.append(el('div', { class: 'state', 'data-state': 'loading' }, 'Loading ' + what + '…'));
}

function showError(container, error, retry) {
  clear(container);
  container.removeAttribute('aria-busy');
  const box = el('div', { class: 'state error-state', role: 'alert', 'data-state': 'error' },
    el('p', {}, error.status ? 'The API answered ' + error.status + ' ' + error.code + ': ' + error.message
      : error.message));
  if (retry) box.append(el('button', { type: 'button', onclick: retry }, 'Try again'));
  container.append(box);
}

function empty(message) {
  return el('div', { class: 'state', 'data-state': 'empty' }, message);
}

function labelled(text, control) {
  return el('label', {}, text, control);
}

function select(name, options, value, onChange) {
  const s = el('select', { name });
  for (const [v, label] of options) {
    s.append(el('option', { value: v, selected: v === (value || '') ? '' : null }, label));
  }
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

/** Date range, time zone and queue controls shared by the reporting views; each change updates the URL. */
function rangeToolbar(params, { granularity = false, rep = null, extra = [] } = {}) {
  const r = rangeOf(params);
  const bar = el('form', { class: 'toolbar', role: 'search', 'aria-label': 'Filters', onsubmit: e => e.preventDefault() });
  bar.append(labelled('Period', select('preset', [['today', 'Today'], ['yesterday', 'Yesterday'],
    ['last7', 'Last 7 days'], ['thisMonth', 'This month'], ['custom', 'Custom']], r.preset,
  v => setParams(v === 'custom' ? { preset: 'custom', from: r.from, to: r.to } : { preset: v, from: null, to: null }))));
  const from = el('input', { type: 'date', name: 'from', value: r.from });
  const to = el('input', { type: 'date', name: 'to', value: r.to });
  from.addEventListener('change', () => from.value && setParams({ preset: 'custom', from: from.value, to: to.value }));
  to.addEventListener('change', () => to.value && setParams({ preset: 'custom', from: from.value, to: to.value }));
  bar.append(labelled('From', from), labelled('To (inclusive)', to));
  if (granularity) {
    bar.append(labelled('Granularity', select('g', [['1m', '1 minute'], ['5m', '5 minutes'], ['15m', '15 minutes'],
      ['1h', '1 hour'], ['1d', '1 day']], r.granularity, v => setParams({ g: v }))));
  }
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zoneOptions = [...new Set(['UTC', browserZone, r.tz, ...zones])].map(z => [z, z]);
  bar.append(labelled('Time zone', select('tz', zoneOptions, r.tz, v => setParams({ tz: v }))));
  const queues = [...new Set([...knownQueues, params.get('queueId')].filter(Boolean))].sort();
  bar.append(labelled('Queue', select('queueId', [['', 'All queues'], ...queues.map(q => [q, q])],
    params.get('queueId') || '', v => setParams({ queueId: v }))));
  if (rep) {
    const reps = [...new Set([...rep, params.get('repId')].filter(Boolean))].sort();
    bar.append(labelled('Rep', select('repId', [['', 'All reps'], ...reps.map(x => [x, x])],
      params.get('repId') || '', v => setParams({ repId: v }))));
  }
  extra.forEach(x => bar.append(x));
  return bar;
}

/** Puts a rebuilt filter bar in place, keeping the keyboard focus on the control that had it. */
function showToolbar(slot, bar) {
  const focused = slot.contains(document.activeElement) ? document.activeElement.getAttribute('name') : null;
  clear(slot);
  slot.append(bar);
  if (focused) {
    const again = bar.querySelector('[name="' + focused + '"]');
    if (again) again.focus();
  }
}

function rangeParams(params) {
  const r = rangeOf(params);
  return { from: r.apiFrom, to: r.apiTo, tz: r.tz, queueId: params.get('queueId') };
}

// ---- charts (Apache ECharts, from the webjar) ------------------------------------------------------------------

const charts = new Set();

function disposeCharts() {
  charts.forEach(c => c.dispose());
  charts.clear();
}

window.addEventListener('resize', () => charts.forEach(c => c.resize()));

function chartBox(id, title, series, categories, { unit = 's', stacked = false, type = 'line' } = {}) {
  const box = el('section', { class: 'chart-box', 'data-chart': id, 'aria-label': title });
  box.append(el('h2', {}, title));
  const hasData = series.some(s => s.data.some(v => v !== null && v !== 0));
  if (!hasData) {
    box.append(empty('No data for this chart in the range.'));
    return box;
  }
  const target = el('div', { class: 'chart', role: 'img', 'aria-label': title + ': ' + series.map(s => s.name).join(', ') });
  box.append(target);
  requestAnimationFrame(() => {
    const chart = window.echarts.init(target);
    charts.add(chart);
    chart.setOption({
      animation: false,
      grid: { left: 52, right: 12, top: 30, bottom: 28 },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', valueFormatter: v => v === null || v === undefined ? '–'
        : unit === '%' ? v.toFixed(1) + ' %' : unit === 's' ? fmtSeconds(v) : fmtInt(v) },
      xAxis: { type: 'category', data: categories, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', axisLabel: { formatter: v => unit === '%' ? v + ' %' : unit === 's' ? v + ' s' : v } },
      series: series.map(s => ({ name: s.name, type, data: s.data, connectNulls: false, showSymbol: false,
        stack: stacked ? 'total' : undefined })),
    });
  });
  return box;
}

// ---- sign-in ---------------------------------------------------------------------------------------------------

function signOut(message) {
  sessionStorage.removeItem(KEY_STORAGE);
  stopView();
  showSignIn(message);
}

function showSignIn(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('sign-out').hidden = true;
  document.getElementById('who').hidden = true;
  clear(document.getElementById('view'));
  document.getElementById('sign-in').hidden = false;
  const err = document.getElementById('sign-in-error');
  err.hidden = !message;
  err.textContent = message || '';
  document.getElementById('api-key').focus();
}

async function signIn(key) {
  // /api/v1/queues is what every manager and analyst may read: it proves the key and the role at once
  try {
    await api('/api/v1/queues', {}, { raw: true, key });
  } catch (e) {
    // auth and role are checked before the handler runs: a 5xx means the key was accepted
    if (e.status >= 500) {
      sessionStorage.setItem(KEY_STORAGE, key);
      await start();
      return;
    }
    const message = e.status === 401 ? 'Unknown API key.'
      : e.status === 403 ? 'This key may not open the dashboard: it needs the manager or analyst role.'
        : 'Sign-in failed: ' + e.message;
    showSignIn(message);
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  await start();
}

async function start() {
  document.getElementById('sign-in').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('sign-out').hidden = false;
  const who = document.getElementById('who');
  who.hidden = false;
  who.textContent = 'Signed in';
  await loadQueueNames();
  render();
}

// ---- views -----------------------------------------------------------------------------------------------------

let current = null; // { name, view }

function stopView() {
  if (current && current.view.stop) current.view.stop();
  disposeCharts();
  current = null;
}

function render() {
  if (!sessionStorage.getItem(KEY_STORAGE)) return;
  const { view, params } = route();
  document.querySelectorAll('#nav a').forEach(a => {
    if (a.dataset.nav === view) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    // carry the filters across views
    a.href = '#/' + a.dataset.nav + (params.toString() ? '?' + params : '');
  });
  const main = document.getElementById('view');
  if (current && current.name === view && current.view.update) {
    current.view.update(params);
    return;
  }
  stopView();
  clear(main);
  const factories = { live: LiveView, kpis: KpiView, reps: RepsView, sessions: SessionsView, accuracy: AccuracyView };
  current = { name: view, view: factories[view](main, params) };
}

// Live queues: one card per queue, updated in place every few seconds (no re-render, so no flicker).
function LiveView(main, params) {
  const saved = JSON.parse(localStorage.getItem(THRESHOLDS_STORAGE) || '{}');
  const thresholds = { amber: saved.amber ?? 60, red: saved.red ?? 180 };
  main.append(el('h1', {}, 'Live queues'));
  const amber = el('input', { type: 'number', min: '0', step: '5', name: 'amber', value: thresholds.amber, size: 5 });
  const red = el('input', { type: 'number', min: '0', step: '5', name: 'red', value: thresholds.red, size: 5 });
  const saveThresholds = () => {
    thresholds.amber = Number(amber.value) || 0;
    thresholds.red = Number(red.value) || 0;
    localStorage.setItem(THRESHOLDS_STORAGE, JSON.stringify(thresholds));
    cards.forEach(c => c.paint());
  };
  amber.addEventListener('change', saveThresholds);
  red.addEventListener('change', saveThresholds);
  main.append(el('form', { class: 'toolbar', 'aria-label': 'Thresholds', onsubmit: e => e.preventDefault() },
    labelled('Amber at (s)', amber), labelled('Red at (s)', red),
    el('span', { class: 'note' }, 'A card turns amber or red when its EWT or its longest current wait reaches the '
      + 'threshold. Refreshes every ' + LIVE_REFRESH_MS / 1000 + ' s.')));
  const banner = el('div', { role: 'alert' });
  const grid = el('div', { class: 'cards', 'data-view': 'live' });
  const status = el('div', {});
  main.append(banner, status, grid);
  const cards = new Map();
  let timer = null;
  let stopped = false;

  function card(queueId) {
    const f = name => el('dd', { 'data-field': name });
    const fields = {
      ewt: el('p', { class: 'ewt', 'data-field': 'ewt' }),
      range: el('p', { class: 'ewt-range', 'data-field': 'ewtRange' }),
      level: el('span', { class: 'level', 'data-field': 'level' }),
      waiting: f('waiting'), longest: f('longestWait'), active: f('active'), inactive: f('inactive'),
      reps: f('repsBusy'), updated: el('p', { class: 'updated', 'data-field': 'updated' }),
    };
    const node = el('article', { class: 'card', 'data-queue': queueId, 'aria-label': 'Queue ' + queueId },
      el('header', {}, el('h2', {}, queueId), fields.level), fields.ewt, fields.range,
      el('dl', { class: 'facts' },
        el('div', {}, el('dt', {}, 'Waiting now'), fields.waiting),
        el('div', {}, el('dt', {}, 'Longest wait'), fields.longest),
        el('div', {}, el('dt', {}, 'Reps busy'), fields.reps),
        el('div', {}, el('dt', {}, 'Active'), fields.active),
        el('div', {}, el('dt', {}, 'Inactive'), fields.inactive)),
      fields.updated);
    const c = { node, fields, data: null };
    c.paint = () => {
      const q = c.data;
      const e = q.ewt || {};
      const set = (n, text) => { if (n.textContent !== text) n.textContent = text; };
      if (e.estimatedWaitMs === null || e.estimatedWaitMs === undefined) {
        fields.ewt.classList.add('none');
        set(fields.ewt, 'Not enough data');
        set(fields.range, 'no wait in the last 10 minutes');
        fields.ewt.dataset.ewtMs = '';
      } else {
        fields.ewt.classList.remove('none');
        set(fields.ewt, fmtSeconds(e.estimatedWaitSeconds));
        set(fields.range, 'p50–p90 ' + fmtMs(e.p50WaitMs) + ' – ' + fmtMs(e.p90WaitMs) + ' · ' + e.sampleSize
          + (e.sampleSize === 1 ? ' sample' : ' samples'));
        fields.ewt.dataset.ewtMs = String(e.estimatedWaitMs);
      }
      fields.ewt.setAttribute('aria-label', 'Estimated wait ' + fields.ewt.textContent);
      set(fields.waiting, fmtInt(q.waiting));
      set(fields.longest, fmtMs(q.longestCurrentWaitMs));
      set(fields.active, fmtInt(q.active));
      set(fields.inactive, fmtInt(q.inactive));
      set(fields.reps, fmtInt(q.repsWithActiveSessions));
      const worstMs = Math.max(e.estimatedWaitMs ?? 0, q.longestCurrentWaitMs ?? 0);
      const level = thresholds.red > 0 && worstMs >= thresholds.red * 1000 ? 'red'
        : thresholds.amber > 0 && worstMs >= thresholds.amber * 1000 ? 'amber' : 'ok';
      node.classList.toggle('amber', level === 'amber');
      node.classList.toggle('red', level === 'red');
      node.dataset.level = level;
      set(fields.level, level === 'ok' ? 'OK' : level === 'amber' ? 'Amber' : 'Red');
      set(fields.updated, 'EWT as of ' + (e.asOf ? new Date(e.asOf).toLocaleTimeString() : '–'));
    };
    return c;
  }

  /** Queue state from ClickHouse; when ClickHouse is down, the live EWT alone (the API serves it from memory). */
  async function queues() {
    try {
      return { body: await api('/api/v1/queues'), degraded: null };
    } catch (e) {
      if (e.status !== 503) throw e;
      const ewt = await api('/api/v1/queues/ewt');
      return {
        body: { asOf: ewt.servedAt, queues: ewt.queues.map(q => ({ queueId: q.queueId, ewt: q, waiting: null,
          longestCurrentWaitMs: null, active: null, inactive: null, repsWithActiveSessions: null })) },
        degraded: 'Queue counts are unavailable (' + e.message + '); showing the live EWT only.',
      };
    }
  }

  async function refresh() {
    if (!cards.size) loading(status, 'live queues');
    try {
      const { body, degraded } = await queues();
      if (stopped) return;
      clear(status);
      status.removeAttribute('aria-busy');
      clear(banner);
      if (degraded) banner.append(el('div', { class: 'state error-state', 'data-state': 'degraded' }, degraded));
      const seen = new Set();
      body.queues.forEach((q, i) => {
        const id = q.queueId || '(no queue)';
        seen.add(id);
        let c = cards.get(id);
        if (!c) {
          c = card(id);
          cards.set(id, c);
        }
        c.data = q;
        c.paint();
        if (grid.children[i] !== c.node) grid.insertBefore(c.node, grid.children[i] || null);
      });
      for (const [id, c] of cards) if (!seen.has(id)) { c.node.remove(); cards.delete(id); }
      if (!cards.size) status.append(empty('No queues yet: no sessions and no published EWT.'));
      grid.dataset.refreshedAt = body.asOf;
    } catch (e) {
      if (stopped || e.status === 401) return;
      if (cards.size) {
        clear(banner);
        banner.append(el('div', { class: 'state error-state', 'data-state': 'error' },
          'Refresh failed (' + e.message + '); showing the last figures.'));
      } else {
        showError(status, e, null);
      }
    }
    if (!stopped) timer = setTimeout(refresh, LIVE_REFRESH_MS);
  }
  refresh();
  return {
    stop() { stopped = true; clearTimeout(timer); },
  };
}

const TILES = [
  ['started', 'Chats started', t => t.started, fmtInt, c => c.started],
  ['answered', 'Answered', t => t.answered, fmtInt, c => c.answered],
  ['abandoned', 'Abandoned', t => t.abandoned, fmtInt, c => c.abandoned],
  ['notRouted', 'Not routed', t => t.notRouted, fmtInt, c => c.notRouted],
  ['serviceLevel', 'Service level', t => t.rates.serviceLevel, fmtPct, c => c.rates.serviceLevel, 'rate'],
  ['abandonmentRate', 'Abandonment rate', t => t.rates.abandonmentRate, fmtPct, c => c.rates.abandonmentRate, 'rate'],
  ['waitAvg', 'Avg wait', t => t.waitMs.avg, fmtMs, c => c.waitMs.avg],
  ['waitP90', 'Wait p90', t => t.waitMs.p90, fmtMs, c => c.waitMs.p90],
  ['firstResponseAvg', 'Avg first response', t => t.firstResponseMs.avg, fmtMs, c => c.firstResponseMs.avg],
  ['handleAvg', 'Avg handle time', t => t.handleMs.avg, fmtMs, c => c.handleMs.avg],
  ['acwAvg', 'Avg ACW', t => t.acwMs.avg, fmtMs, c => c.acwMs.avg],
  ['inactivityRate', 'Inactivity rate', t => t.rates.inactivityRate, fmtPct, c => c.rates.inactivityRate, 'rate'],
  ['reactivationRate', 'Reactivation rate', t => t.rates.reactivationRate, fmtPct, c => c.rates.reactivationRate, 'rate'],
  ['casesCreated', 'Cases created', t => t.casesCreated, fmtInt, c => c.casesCreated],
];

function KpiView(main, params) {
  main.append(el('h1', {}, 'KPIs'));
  const toolbarSlot = el('div', {});
  const content = el('div', { 'data-view': 'kpis' });
  main.append(toolbarSlot, content);
  let seq = 0;

  async function load(p) {
    const mine = ++seq;
    disposeCharts();
    const r = rangeOf(p);
    const base = { ...rangeParams(p), repId: p.get('repId') };
    loading(content, 'KPIs');
    let reps = [];
    try {
      const [summary, series, history, repList] = await Promise.all([
        api('/api/v1/kpis/summary', { ...base, compare: 'previous' }),
        api('/api/v1/kpis', { ...base, granularity: r.granularity }),
        api('/api/v1/ewt/history', { ...rangeParams(p), granularity: r.granularity }),
        api('/api/v1/reps', rangeParams(p)),
      ]);
      if (mine !== seq) return;
      reps = repList.reps.map(x => x.repId);
      showToolbar(toolbarSlot, rangeToolbar(p, { granularity: true, rep: reps }));
      draw(summary, series, history, r);
    } catch (e) {
      if (mine !== seq) return;
      showToolbar(toolbarSlot, rangeToolbar(p, { granularity: true, rep: reps }));
      showError(content, e, () => load(route().params));
    }
  }

  function draw(summary, series, history, r) {
    clear(content);
    content.removeAttribute('aria-busy');
    const t = summary.totals;
    const tiles = el('div', { class: 'tiles', 'aria-label': 'Totals for the period' });
    for (const [id, label, get, fmt, change, kind] of TILES) {
      const value = get(t);
      const ch = change(summary.change || {});
      tiles.append(el('div', { class: 'tile', 'data-tile': id },
        el('div', { class: 'label' }, label),
        el('div', { class: 'value', 'data-raw': value === null ? '' : String(value) }, fmt(value)),
        el('div', { class: 'change ' + changeClass(ch) }, fmtChange(ch, kind === 'rate'))));
    }
    content.append(tiles);
    const nothing = t.started === 0 && t.queued === 0 && t.answered === 0 && t.ended === 0;
    if (nothing) {
      content.append(empty('No chat activity in this period' + (summary.queueId ? ' for queue ' + summary.queueId : '')
        + (summary.repId ? ' and rep ' + summary.repId : '') + '.'));
      return;
    }
    const daily = r.granularity === '1d';
    const cats = series.series.map(b => daily ? b.startLocal.slice(0, 10) : b.startLocal.slice(5, 16).replace('T', ' '));
    const k = series.series.map(b => b.kpis);
    const sec = v => v === null || v === undefined ? null : Math.round(v / 100) / 10;
    const pct = v => v === null || v === undefined ? null : Math.round(v * 1000) / 10;
    const durations = (name, field) => [
      { name: 'avg', data: k.map(x => sec(x[field].avg)) },
      { name: 'p50', data: k.map(x => sec(x[field].p50)) },
      { name: 'p90', data: k.map(x => sec(x[field].p90)) },
    ];
    const grid = el('div', { class: 'charts' });
    grid.append(chartBox('ewt', 'Published EWT per queue (average)', history.queues.map(q => ({
      name: q.queueId, data: q.points.map(pt => sec(pt.avgEstimatedWaitMs)) })), cats));
    grid.append(chartBox('volumes', 'Volumes by outcome', [
      { name: 'answered', data: k.map(x => x.answered) },
      { name: 'abandoned', data: k.map(x => x.abandoned) },
      { name: 'not routed', data: k.map(x => x.notRouted) },
    ], cats, { unit: '', stacked: true, type: 'bar' }));
    const reasons = Object.entries(t.notRoutedByReason || {});
    grid.append(chartBox('notRouted', 'Not routed by reason',
      reasons.map(([reason, n]) => ({ name: reason, data: [n] })), ['period'], { unit: '', type: 'bar' }));
    grid.append(chartBox('wait', 'Wait (queued → answered)', durations('wait', 'waitMs'), cats));
    grid.append(chartBox('firstResponse', 'First response', durations('first', 'firstResponseMs'), cats));
    grid.append(chartBox('repResponse', 'Rep response', durations('rep', 'repResponseMs'), cats));
    grid.append(chartBox('handle', 'Handle and ACW time', [
      { name: 'handle avg', data: k.map(x => sec(x.handleMs.avg)) },
      { name: 'handle p90', data: k.map(x => sec(x.handleMs.p90)) },
      { name: 'ACW avg', data: k.map(x => sec(x.acwMs.avg)) },
      { name: 'ACW p90', data: k.map(x => sec(x.acwMs.p90)) },
    ], cats));
    grid.append(chartBox('rates', 'Rates', [
      { name: 'service level', data: k.map(x => pct(x.rates.serviceLevel)) },
      { name: 'abandonment', data: k.map(x => pct(x.rates.abandonmentRate)) },
      { name: 'inactivity', data: k.map(x => pct(x.rates.inactivityRate)) },
      { name: 'reactivation', data: k.map(x => pct(x.rates.reactivationRate)) },
    ], cats, { unit: '%' }));
    content.append(grid);
  }

  load(params);
  return { update: load };
}

function changeClass(ch) {
  if (!ch || ch.delta === null || ch.delta === undefined || ch.delta === 0) return '';
  return ch.delta > 0 ? 'up' : 'down';
}

const REP_COLUMNS = [
  ['repId', 'Rep', r => r.repId, x => x, 'text'],
  ['sessions', 'Sessions joined', r => r.kpis.sessionsJoined, fmtInt],
  ['handle', 'Avg handle', r => r.kpis.handleMs.avg, fmtMs],
  ['acw', 'Avg ACW', r => r.kpis.acwMs.avg, fmtMs],
  ['firstResponse', 'Avg first response', r => r.kpis.firstResponseMs.avg, fmtMs],
  ['repResponse', 'Avg rep response', r => r.kpis.repResponseMs.avg, fmtMs],
  ['repResponseP90', 'Rep response p90', r => r.kpis.repResponseMs.p90, fmtMs],
  ['inactive', 'Inactive sessions', r => r.kpis.sessionsInactive, fmtInt],
  ['inactivityRate', 'Inactivity rate', r => r.kpis.rates.inactivityRate, fmtPct],
];

function RepsView(main, params) {
  main.append(el('h1', {}, 'Reps'));
  const toolbarSlot = el('div', {});
  const content = el('div', { 'data-view': 'reps' });
  main.append(toolbarSlot, content);
  let seq = 0;
  let rows = [];
  let loadedFor = null;

  async function load(p) {
    const mine = ++seq;
    showToolbar(toolbarSlot, rangeToolbar(p));
    loading(content, 'reps');
    try {
      const body = await api('/api/v1/reps', rangeParams(p));
      if (mine !== seq) return;
      rows = body.reps;
      loadedFor = rangeKey(p);
      draw(p);
    } catch (e) {
      if (mine === seq) showError(content, e, () => load(route().params));
    }
  }

  function draw(p) {
    clear(content);
    content.removeAttribute('aria-busy');
    if (!rows.length) {
      content.append(empty('No rep handled a chat in this period.'));
      return;
    }
    const sort = p.get('sort') || 'sessions';
    const dir = p.get('dir') === 'asc' ? 'asc' : 'desc';
    const col = REP_COLUMNS.find(c => c[0] === sort) || REP_COLUMNS[1];
    const sorted = [...rows].sort((a, b) => {
      const x = col[2](a);
      const y = col[2](b);
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const c = typeof x === 'string' ? x.localeCompare(y) : x - y;
      return dir === 'asc' ? c : -c;
    });
    const head = el('tr', {}, ...REP_COLUMNS.map(([id, label, , , kind]) => el('th', {
      scope: 'col', class: kind || '', 'aria-sort': id === col[0] ? (dir === 'asc' ? 'ascending' : 'descending') : 'none',
    }, el('button', { type: 'button', 'data-sort': id,
      onclick: () => setParams({ sort: id, dir: id === col[0] && dir === 'desc' ? 'asc' : 'desc' }) }, label))));
    const body = el('tbody', {}, ...sorted.map(r => el('tr', { 'data-rep': r.repId },
      ...REP_COLUMNS.map(([id, , get, fmt, kind]) => el(kind === 'text' ? 'th' : 'td',
        { class: kind || '', 'data-col': id, scope: kind === 'text' ? 'row' : null }, fmt(get(r)))))));
    content.append(el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'KPIs per rep' },
      el('thead', {}, head), body)));
  }

  load(params);
  return {
    update(p) {
      // a sort change needs no new data
      if (loadedFor === rangeKey(p)) {
        showToolbar(toolbarSlot, rangeToolbar(p));
        draw(p);
      } else {
        load(p);
      }
    },
  };
}

function rangeKey(p) {
  return JSON.stringify(rangeParams(p));
}

const SESSION_COLUMNS = [
  ['startedAt', 'Started', (s, tz) => fmtTime(s.startedAt, tz), 'text'],
  ['sessionId', 'Session', s => s.sessionId, 'text'],
  ['queueId', 'Queue', s => s.queueId ?? '–', 'text'],
  ['repId', 'Rep', s => s.repId ?? '–', 'text'],
  ['status', 'Status', s => s.status, 'text'],
  ['waitMs', 'Wait', s => fmtMs(s.waitMs)],
  ['firstResponseMs', 'First response', s => fmtMs(s.firstResponseMs)],
  ['handleMs', 'Handle', s => fmtMs(s.handleMs)],
  ['acwMs', 'ACW', s => fmtMs(s.acwMs)],
  ['abandoned', 'Abandoned', s => s.abandoned ? 'yes' : 'no'],
  ['endedBy', 'Ended by', s => s.endedBy ?? '–', 'text'],
];

function fmtTime(iso, tz) {
  if (!iso) return '–';
  return new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}

function SessionsView(main, params) {
  main.append(el('h1', {}, 'Sessions'));
  const toolbarSlot = el('div', {});
  const content = el('div', { 'data-view': 'sessions' });
  main.append(toolbarSlot, content);
  let seq = 0;
  let cursors = [null]; // cursor of each page seen so far; the last is the current page's
  let reps = [];

  function filters(p) {
    return { ...rangeParams(p), repId: p.get('repId'), status: p.get('status'), abandoned: p.get('abandoned') };
  }

  function toolbar(p) {
    const csv = el('button', { type: 'button', class: 'secondary', name: 'csv', 'data-action': 'csv' }, 'Download CSV');
    csv.addEventListener('click', () => downloadCsv(p, csv));
    showToolbar(toolbarSlot, rangeToolbar(p, { rep: reps, extra: [
      labelled('Status', select('status', [['', 'Any status'], ['WAITING', 'Waiting'], ['ACTIVE', 'Active'],
        ['INACTIVE', 'Inactive'], ['ENDED', 'Ended'], ['NOT_ROUTED', 'Not routed']], p.get('status') || '',
      v => setParams({ status: v }))),
      labelled('Abandoned', select('abandoned', [['', 'Either'], ['true', 'Abandoned'], ['false', 'Not abandoned']],
        p.get('abandoned') || '', v => setParams({ abandoned: v }))),
      csv,
    ] }));
  }

  async function downloadCsv(p, button) {
    button.disabled = true;
    const old = button.textContent;
    button.textContent = 'Preparing CSV…';
    try {
      const response = await api('/api/v1/sessions', { ...filters(p), format: 'csv' }, { raw: true });
      const blob = await response.blob();
      const a = el('a', { href: URL.createObjectURL(blob), download: 'sessions-' + rangeOf(p).from + '-'
        + rangeOf(p).to + '.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    } catch (e) {
      showError(content, e, null);
    } finally {
      button.disabled = false;
      button.textContent = old;
    }
  }

  async function load(p, page) {
    const mine = ++seq;
    toolbar(p);
    loading(content, 'sessions');
    try {
      const [body, repList] = await Promise.all([
        api('/api/v1/sessions', { ...filters(p), limit: 50, cursor: cursors[page] }),
        reps.length ? null : api('/api/v1/reps', rangeParams(p)),
      ]);
      if (mine !== seq) return;
      if (repList) {
        reps = repList.reps.map(r => r.repId);
        toolbar(p);
      }
      cursors = cursors.slice(0, page + 1);
      if (body.nextCursor) cursors.push(body.nextCursor);
      draw(body, p, page);
    } catch (e) {
      if (mine === seq) showError(content, e, () => load(route().params, page));
    }
  }

  function draw(body, p, page) {
    clear(content);
    content.removeAttribute('aria-busy');
    if (!body.sessions.length) {
      content.append(empty('No sessions match these filters.'));
      return;
    }
    const tz = rangeOf(p).tz;
    const first = page * 50 + 1;
    const pager = el('nav', { class: 'pager', 'aria-label': 'Pages' },
      el('button', { type: 'button', class: 'secondary', disabled: page === 0 ? '' : null, 'data-action': 'prev',
        onclick: () => load(p, page - 1) }, '← Previous'),
      el('span', { 'data-field': 'rows' }, 'Rows ' + first + '–' + (first + body.sessions.length - 1)),
      el('button', { type: 'button', class: 'secondary', disabled: body.nextCursor ? null : '', 'data-action': 'next',
        onclick: () => load(p, page + 1) }, 'Next →'));
    content.append(pager, el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'Sessions' },
      el('thead', {}, el('tr', {}, ...SESSION_COLUMNS.map(([, label, , kind]) =>
        el('th', { scope: 'col', class: kind || '' }, label)))),
      el('tbody', {}, ...body.sessions.map(s => el('tr', { 'data-session': s.sessionId },
        ...SESSION_COLUMNS.map(([id, , get, kind]) => el('td', { class: kind || '', 'data-col': id }, get(s, tz)))))))));
  }

  load(params, 0);
  return {
    update(p) {
      cursors = [null];
      reps = [];
      load(p, 0);
    },
  };
}

function AccuracyView(main, params) {
  main.append(el('h1', {}, 'EWT accuracy'));
  main.append(el('p', { class: 'note' }, 'For every chat that queued: the estimate in force when it queued against '
    + 'the wait that followed (abandoned chats and chats without an estimate are not compared). Bias > 0 means the '
    + 'estimate was too long.'));
  const toolbarSlot = el('div', {});
  const content = el('div', { 'data-view': 'accuracy' });
  main.append(toolbarSlot, content);
  let seq = 0;

  async function load(p) {
    const mine = ++seq;
    disposeCharts();
    showToolbar(toolbarSlot, rangeToolbar(p));
    loading(content, 'EWT accuracy');
    try {
      const body = await api('/api/v1/ewt/accuracy', rangeParams(p));
      if (mine !== seq) return;
      clear(content);
      content.removeAttribute('aria-busy');
      if (!body.queues.length) {
        content.append(empty('No chat queued in this period.'));
        return;
      }
      const bias = v => v === null ? '–' : (v > 0 ? '+' : v < 0 ? '−' : '') + fmtMs(Math.abs(v))
        + (v > 0 ? ' (too long)' : v < 0 ? ' (too short)' : '');
      content.append(el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'EWT accuracy per queue' },
        el('thead', {}, el('tr', {}, ...['Queue', 'Queued', 'Compared', 'No estimate', 'Abandoned', 'Bias',
          'Mean abs. error', 'p90 abs. error', 'Within ±30 s'].map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, ...body.queues.map(q => el('tr', { 'data-queue': q.queueId },
          el('th', { scope: 'row' }, q.queueId), el('td', { 'data-col': 'queued' }, fmtInt(q.queued)),
          el('td', { 'data-col': 'count' }, fmtInt(q.count)), el('td', {}, fmtInt(q.withoutEstimate)),
          el('td', {}, fmtInt(q.abandoned)), el('td', { 'data-col': 'bias' }, bias(q.biasMs)),
          el('td', { 'data-col': 'mae' }, fmtMs(q.meanAbsoluteErrorMs)), el('td', {}, fmtMs(q.p90AbsoluteErrorMs)),
          el('td', { 'data-col': 'within30s' }, fmtPct(q.within30sShare))))))));
      const sec = v => v === null ? null : Math.round(v / 100) / 10;
      const charts = el('div', { class: 'charts' });
      charts.append(chartBox('accuracy', 'Bias and error per queue', [
        { name: 'bias', data: body.queues.map(q => sec(q.biasMs)) },
        { name: 'mean abs. error', data: body.queues.map(q => sec(q.meanAbsoluteErrorMs)) },
        { name: 'p90 abs. error', data: body.queues.map(q => sec(q.p90AbsoluteErrorMs)) },
      ], body.queues.map(q => q.queueId), { type: 'bar' }));
      content.append(charts);
    } catch (e) {
      if (mine === seq) showError(content, e, () => load(route().params));
    }
  }

  load(params);
  return { update: load };
}

// ---- boot ------------------------------------------------------------------------------------------------------

document.getElementById('sign-in-form').addEventListener('submit', e => {
  e.preventDefault();
  const input = document.getElementById('api-key');
  const key = input.value.trim();
  input.value = '';
  if (key) signIn(key);
});
document.getElementById('sign-out').addEventListener('click', () => signOut(null));
window.addEventListener('hashchange', render);

if (sessionStorage.getItem(KEY_STORAGE)) start(); else showSignIn(null);
