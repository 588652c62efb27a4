// The node's live dashboard: polls the admin API (/admin/v1) once a second
// with the token from the URL fragment (#token=...) or sessionStorage, and
// renders request rate, latency, errors, entities, rollouts and experiments.
// Rates are differences between two polls over the node's own uptime, so they
// do not depend on the browser's clock. Every number the page shows sits in an
// element with a stable id or data attributes (data-value holds it raw), and
// #updates and #rate-history[data-history] record how the numbers moved.
'use strict';

(() => {
  const TOKEN_KEY = 'griddle-admin-token';
  const API = '/admin/v1';
  const POLL_MS = 1000;
  const FETCH_TIMEOUT_MS = 5000;
  const HISTORY = 60;
  const SAMPLES_SHOWN = 5;

  const $ = (id) => document.getElementById(id);

  const state = {
    token: null,
    updates: 0,
    history: [],
    prev: null,  // the last poll's counters, for rates
    timer: null,
  };

  // -- DOM helpers --------------------------------------------------------------

  /// An element with attributes (`class`, `data-*`, ...) and children (nodes
  /// or text; text is never parsed as HTML, since samples carry user data).
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {}))
      if (v !== undefined && v !== null) node.setAttribute(k, String(v));
    for (const c of children)
      if (c !== undefined && c !== null)
        node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  /// A table cell holding one number: data-field names it, data-value is raw.
  function numCell(field, value, text) {
    return el('td', { 'data-field': field, 'data-value': value }, text === undefined ? fmt(value) : text);
  }

  function setNumber(id, value, text) {
    const node = $(id);
    node.setAttribute('data-value', String(value));
    node.textContent = text === undefined ? fmt(value) : text;
  }

  function fmt(x, digits) {
    if (x === null || x === undefined || Number.isNaN(x)) return '–';
    if (digits === undefined) digits = Number.isInteger(x) ? 0 : Math.abs(x) < 10 ? 2 : 1;
    return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function pct(fraction) {
    return fraction === null || fraction === undefined ? '–' : fmt(fraction * 100, 2) + '%';
  }

  function round(x, digits) {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
  }

  function duration(seconds) {
    const s = Math.floor(seconds);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    const two = (n) => String(n).padStart(2, '0');
    return h > 0 ? `${h}h ${two(m)}m ${two(s % 60)}s` : m > 0 ? `${m}m ${two(s % 60)}s` : `${s % 60}s`;
  }

  // -- token and status ---------------------------------------------------------

  /// The token from #token=..., kept in sessionStorage and then taken out of
  /// the address bar (and so out of the history); else the stored one.
  function readToken() {
    const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
    if (m && m[1]) {
      const token = decodeURIComponent(m[1]);
      sessionStorage.setItem(TOKEN_KEY, token);
      history.replaceState(null, '', location.pathname + location.search);
      return token;
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function setStatus(kind, text) {
    const s = $('status');
    s.setAttribute('data-state', kind);
    s.textContent = text;
    s.title = text;
  }

  function askForToken(why) {
    stop();
    $('token-panel').hidden = false;
    $('panels').hidden = true;
    setStatus('no-token', why);
    $('token-input').focus();
  }

  // -- the API ------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(path) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
    try {
      let res;
      try {
        res = await fetch(API + path, {
          headers: { Authorization: 'Bearer ' + state.token },
          cache: 'no-store',
          signal: abort.signal,
        });
      } catch (e) {
        throw new ApiError(0, `${path}: ${abort.signal.aborted ? 'timed out' : 'unreachable'}`);
      }
      if (!res.ok) {
        let message = `${res.status} ${res.statusText}`;
        try {
          const body = await res.json();
          if (body && body.error) message = `${res.status} ${body.error.message}`;
        } catch (e) {
          // Not JSON: the status says enough.
        }
        throw new ApiError(res.status, `${path}: ${message}`);
      }
      return await res.json();
    } finally {
      clearTimeout(timer);
    }
  }

  /// Each of `paths` fetched at once: {value} or {error} per path, in order.
  async function fetchAll(paths) {
    const settled = await Promise.allSettled(paths.map(api));
    return settled.map((s) => (s.status === 'fulfilled' ? { value: s.value } : { error: s.reason }));
  }

  // -- requests, latency, errors --------------------------------------------------

  /// The site's routes: the admin API and this page count as requests too, but
  /// not as the site's.
  function siteRoute(route) {
    return !route.startsWith('/admin/') && !route.startsWith('/dashboard');
  }

  /// Counters and latency per series from /admin/v1/metrics.
  function httpSnapshot(metrics) {
    const snap = { total: 0, s4: 0, s5: 0, routes: new Map(), series: new Map() };
    const route = (name) => {
      if (!snap.routes.has(name)) snap.routes.set(name, { total: 0, s4: 0, s5: 0, series: [] });
      return snap.routes.get(name);
    };
    for (const m of metrics) {
      const l = m.labels || {};
      if (!l.route || !siteRoute(l.route)) continue;
      const key = `${l.route} ${l.method} ${l.status}`;
      if (m.name === 'griddle_http_requests_total') {
        const r = route(l.route);
        const cls = String(l.status || '')[0];
        r.total += m.value;
        snap.total += m.value;
        if (cls === '4') { r.s4 += m.value; snap.s4 += m.value; }
        if (cls === '5') { r.s5 += m.value; snap.s5 += m.value; }
      } else if (m.name === 'griddle_http_request_duration') {
        const s = { key, route: l.route, count: m.count, p50: m.p50_ms, p99: m.p99_ms };
        snap.series.set(key, s);
        route(l.route).series.push(s);
      }
    }
    return snap;
  }

  /// p50 as the median of the series' p50s weighted by their requests, p99 as
  /// the highest p99: histograms cannot be merged from their percentiles.
  function latencyOf(series, weightOf) {
    const weighted = series.map((s) => ({ s, w: weightOf(s) })).filter((x) => x.w > 0);
    if (weighted.length === 0) return { p50: null, p99: null };
    weighted.sort((a, b) => a.s.p50 - b.s.p50);
    const half = weighted.reduce((sum, x) => sum + x.w, 0) / 2;
    let seen = 0, p50 = weighted[weighted.length - 1].s.p50;
    for (const x of weighted) {
      seen += x.w;
      if (seen >= half) { p50 = x.s.p50; break; }
    }
    return { p50, p99: Math.max(...weighted.map((x) => x.s.p99)) };
  }

  function renderRequests(snap, uptime) {
    const prev = state.prev;
    const dt = prev ? uptime - prev.uptime : 0;
    // A node that restarted has smaller counters: start over.
    const usable = prev && dt > 0 && snap.total >= prev.snap.total;
    const perSecond = (now, before) => (usable ? Math.max(0, now - before) / dt : null);
    const rate = perSecond(snap.total, prev && prev.snap.total);
    const rate4 = perSecond(snap.s4, prev && prev.snap.s4);
    const rate5 = perSecond(snap.s5, prev && prev.snap.s5);

    if (rate !== null) {
      state.history.push(round(rate, 2));
      if (state.history.length > HISTORY) state.history.shift();
    }
    setNumber('request-rate', rate === null ? 0 : round(rate, 2), fmt(rate, 1));
    setNumber('requests-total', snap.total);
    setNumber('errors-5xx', rate5 === null ? 0 : round(rate5, 2), fmt(rate5, 1));
    setNumber('errors-4xx', rate4 === null ? 0 : round(rate4, 2), fmt(rate4, 1));
    const share = (errors) => (rate > 0 ? errors / rate : 0);
    setNumber('error-rate-5xx', round(share(rate5), 4), pct(rate === null ? null : share(rate5)));
    setNumber('error-rate-4xx', round(share(rate4), 4), pct(rate === null ? null : share(rate4)));

    // Latency of what was served since the last poll; of everything before any traffic.
    const before = (s) => (prev && prev.snap.series.get(s.key) ? prev.snap.series.get(s.key).count : 0);
    const all = [...snap.series.values()];
    let lat = usable ? latencyOf(all, (s) => s.count - before(s)) : { p50: null };
    if (lat.p50 === null) lat = latencyOf(all, (s) => s.count);
    setNumber('p50', lat.p50 === null ? 0 : lat.p50, fmt(lat.p50, 3));
    setNumber('p99', lat.p99 === null ? 0 : lat.p99, fmt(lat.p99, 3));

    const history = $('rate-history');
    history.setAttribute('data-history', state.history.join(','));
    history.textContent = state.history.length === 0 ? '–'
      : `min ${fmt(Math.min(...state.history), 1)}, max ${fmt(Math.max(...state.history), 1)}`;
    renderSparkline();

    const rows = [...snap.routes.entries()].sort((a, b) => b[1].total - a[1].total).map(([name, r]) => {
      const old = prev && prev.snap.routes.get(name);
      const routeRate = perSecond(r.total, old ? old.total : 0);
      const l = latencyOf(r.series, (s) => s.count);
      return el('tr', { 'data-route': name },
        el('td', { class: 'name' }, name),
        numCell('rate', routeRate === null ? 0 : round(routeRate, 2), fmt(routeRate, 1)),
        numCell('total', r.total),
        numCell('4xx', r.s4),
        numCell('5xx', r.s5),
        numCell('p50_ms', l.p50, fmt(l.p50, 3)),
        numCell('p99_ms', l.p99, fmt(l.p99, 3)));
    });
    $('routes').tBodies[0].replaceChildren(...rows);
  }

  function renderSparkline() {
    const h = state.history;
    const width = 300, height = 60, pad = 3;
    if (h.length < 2) {
      $('sparkline-line').setAttribute('points', '');
      $('sparkline-area').setAttribute('points', '');
      return;
    }
    const top = Math.max(...h, 1);
    const x = (i) => round((i * width) / (h.length - 1), 1);
    const y = (v) => round(height - pad - ((height - 2 * pad) * v) / top, 1);
    const line = h.map((v, i) => `${x(i)},${y(v)}`);
    $('sparkline-line').setAttribute('points', line.join(' '));
    $('sparkline-area').setAttribute('points', [`0,${height}`, ...line, `${width},${height}`].join(' '));
  }

  // -- entities -----------------------------------------------------------------

  /// One row per type with entities or activity; the idle ones in one line.
  function renderTypes(types) {
    const busy = (t) => t.active > 0 || t.activations_per_s > 0 || t.passivations_per_s > 0 ||
      t.restarts > 0 || t.candidate;
    const sorted = [...types].sort((a, b) => b.active - a.active || a.name.localeCompare(b.name));
    const rows = sorted.filter(busy).map((t) =>
      el('tr', { 'data-type': t.name },
        el('td', { class: 'name' }, t.name),
        numCell('active', t.active),
        numCell('activations_per_s', t.activations_per_s, fmt(t.activations_per_s, 1)),
        numCell('passivations_per_s', t.passivations_per_s, fmt(t.passivations_per_s, 1)),
        numCell('restarts', t.restarts),
        el('td', { 'data-field': 'version' }, t.candidate ? `${t.stable} → ${t.candidate}` : t.stable)));
    const idle = sorted.filter((t) => !busy(t)).map((t) => t.name);
    if (idle.length > 0) {
      rows.push(el('tr', { class: 'idle', 'data-idle': idle.join(',') },
        el('td', { colspan: 6, class: 'muted' }, `no active entities: ${idle.join(', ')}`)));
    }
    $('entities').tBodies[0].replaceChildren(...rows);
    setNumber('entities-total', types.reduce((sum, t) => sum + t.active, 0));
  }

  // -- rollouts -----------------------------------------------------------------

  function renderRollouts(rollouts, samples) {
    const rows = rollouts.map((r) => {
      const stats = r.stats || {};
      const compared = stats.compared || 0, mismatched = stats.mismatched || 0;
      const window = (stats.window || {}).comparisons || {};
      const rate = compared > 0 ? mismatched / compared : 0;
      const guard = (r.guard || {}).max_mismatch_rate;
      const ramp = r.ramp_percent || 0;
      let share;
      if (r.phase === 'ramp') {
        const fill = el('span');
        fill.style.width = `${Math.min(100, ramp)}%`;
        share = el('td', { 'data-field': 'ramp_percent', 'data-value': ramp },
          el('span', { class: 'bar' }, fill), `${fmt(ramp, 0)}%`);
      } else if (r.phase === 'ghost') {
        share = el('td', { 'data-field': 'ramp_percent', 'data-value': ramp },
          `mirror ${fmt(r.mirror_percent || 0, 0)}%`);
      } else {
        share = el('td', { 'data-field': 'ramp_percent', 'data-value': ramp }, '–');
      }
      const windowText = window.count
        ? el('small', { class: 'muted' }, ` · ${pct(window.flagged / window.count)} in ${stats.window_s || 0} s`)
        : null;
      return el('tr', { 'data-type': r.type, 'data-phase': r.phase, 'data-ramp-percent': ramp },
        el('td', { class: 'name', title: r.last_outcome || '' }, r.type),
        el('td', {}, el('span', { class: 'phase', 'data-phase': r.phase }, r.phase)),
        el('td', {}, r.candidate ? `${r.stable} → ${r.candidate}` : r.stable),
        share,
        numCell('compared', compared),
        numCell('mismatched', mismatched),
        el('td', {
          'data-field': 'mismatch_rate', 'data-value': round(rate, 4),
          class: guard !== undefined && rate > guard ? 'rate-high' : undefined,
        }, pct(rate), windowText));
    });
    $('rollouts').tBodies[0].replaceChildren(...rows);
    $('rollouts-empty').hidden = rollouts.length !== 0;

    const latest = samples
      .flatMap(({ type, list }) => list.map((s) => ({ type, s })))
      .sort((a, b) => b.s.at_ms - a.s.at_ms)
      .slice(0, SAMPLES_SHOWN);
    $('mismatch-samples').setAttribute('data-count', String(latest.length));
    $('mismatch-samples').replaceChildren(...latest.map(({ type, s }) =>
      el('li', { 'data-type': type, 'data-at-ms': s.at_ms },
        el('strong', {}, new Date(s.at_ms).toLocaleTimeString('en-GB')),
        ` ${type} key ${s.key} ${s.message || s.message_kind || ''}`,
        el('pre', {}, (s.diff || []).join('\n') || (s.ghost && s.ghost.failure) || ''))));
    $('mismatch-empty').hidden = latest.length !== 0;
  }

  // -- experiments --------------------------------------------------------------

  function renderExperiments(experiments) {
    const fields = [
      ['weight', 'weight', (a) => fmt(a.weight)],
      ['exposures', 'exposures', (a) => fmt(a.exposures)],
      ['requests', 'requests', (a) => fmt(a.requests)],
      ['errors', 'errors', (a) => fmt(a.errors)],
      ['error_rate', 'error rate', (a) => pct(a.requests > 0 ? a.errors / a.requests : 0)],
      ['p50_ms', 'p50 ms', (a) => fmt(a.p50_ms, 3)],
      ['p99_ms', 'p99 ms', (a) => fmt(a.p99_ms, 3)],
    ];
    const blocks = experiments.map(({ spec, results }) => {
      const arms = results ? results.arms : [];
      const raw = (a, field) =>
        field === 'error_rate' ? round(a.requests > 0 ? a.errors / a.requests : 0, 4) : a[field];
      return el('div', { class: 'experiment', 'data-experiment': spec.name, 'data-enabled': spec.enabled },
        el('h3', {}, `${spec.name} `, el('span', { class: 'muted' }, spec.enabled ? 'on' : 'off')),
        el('table', {},
          el('thead', {}, el('tr', {}, el('th', {}, 'arm'),
            ...arms.map((a) => el('th', { 'data-arm': a.arm }, a.arm)))),
          el('tbody', {}, ...fields.map(([field, label, text]) =>
            el('tr', { 'data-field': field }, el('td', {}, label),
              ...arms.map((a) => el('td', { 'data-arm': a.arm, 'data-field': field, 'data-value': raw(a, field) },
                text(a))))))));
    });
    $('experiments').setAttribute('data-count', String(blocks.length));
    $('experiments').replaceChildren(...blocks);
    $('experiments-empty').hidden = blocks.length !== 0;
  }

  // -- polling ------------------------------------------------------------------

  async function poll() {
    const started = performance.now();
    const errors = [];
    const take = (result) => {
      if (result.error) errors.push(result.error);
      return result.value;
    };
    const [nodes, metrics, types, rollouts, flags] = (await fetchAll([
      '/nodes', '/metrics?pattern=griddle_http_request', '/types', '/rollouts', '/flags',
    ])).map(take);

    // What the first answers name: mismatch samples and experiment results.
    const rolloutList = rollouts ? rollouts.rollouts : [];
    const experimentList = flags ? flags.experiments : [];
    const more = (await fetchAll([
      ...rolloutList.map((r) => `/rollouts/${encodeURIComponent(r.type)}/mismatches`),
      ...experimentList.map((x) => `/experiments/${encodeURIComponent(x.name)}/results`),
    ])).map(take);

    if (errors.some((e) => e.status === 401)) {
      sessionStorage.removeItem(TOKEN_KEY);
      askForToken('the node refused the token (401)');
      return false;
    }

    const node = nodes && nodes.nodes[0];
    // The node's uptime is the clock for rates; the browser's is a fallback.
    const uptime = node ? node.uptime_s : performance.now() / 1000;
    if (node) {
      $('node').textContent = `${node.id} · v${node.version} · site ${node.address || 'none'}`;
      setNumber('uptime', node.uptime_s, duration(node.uptime_s));
    }
    if (metrics) {
      const snap = httpSnapshot(metrics.metrics);
      renderRequests(snap, uptime);
      state.prev = { snap, uptime };
    }
    if (types) renderTypes(types.types);
    if (rollouts) {
      const samples = rolloutList.map((r, i) => ({
        type: r.type, list: (more[i] && more[i].samples) || [],
      }));
      renderRollouts(rolloutList, samples);
    }
    if (flags) {
      renderExperiments(experimentList.map((spec, i) => ({
        spec, results: more[rolloutList.length + i] || null,
      })));
    }

    if (nodes || metrics || types || rollouts || flags) {
      state.updates += 1;
      $('updates').textContent = String(state.updates);
    }
    const ms = Math.round(performance.now() - started);
    if (errors.length > 0) {
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      setStatus('error', `error: ${errors[0].message}${more}`);
      $('status').title = errors.map((e) => e.message).join('\n');
    } else
      setStatus('ok', `live · ${new Date().toLocaleTimeString('en-GB')} · ${ms} ms`);
    return true;
  }

  function schedule(delay) {
    state.timer = setTimeout(async () => {
      const started = performance.now();
      let again = true;
      try {
        again = await poll();
      } catch (e) {
        setStatus('error', `error: ${e.message}`);
      }
      if (again) schedule(Math.max(0, POLL_MS - (performance.now() - started)));
    }, delay);
  }

  function stop() {
    clearTimeout(state.timer);
    state.timer = null;
  }

  function start(token) {
    state.token = token;
    state.prev = null;
    $('token-panel').hidden = true;
    $('panels').hidden = false;
    setStatus('starting', 'connecting…');
    stop();
    schedule(0);
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token-input').value.trim();
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token);
      $('token-input').value = '';
      start(token);
    });
    const token = readToken();
    if (token) start(token);
    else askForToken('no admin token: open /dashboard#token=TOKEN or paste it below');
  });
})();
