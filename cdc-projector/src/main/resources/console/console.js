// The projector's operator console: polls /status, /metrics and /deadletters every second, draws the lag of the
// last minutes, and posts the admin actions with the operator credential kept in this tab's session storage.
'use strict';

const POLL_MILLIS = 1000;
const LAG_WINDOW_SECONDS = 300;
const TOKEN_KEY = 'board-cqrs.operatorToken';

const $ = id => document.getElementById(id);
const lag = { times: [], values: [] };
let previousEvents = null; // {at: seconds, totals: Map table -> count}
let lagChart = null;
const detailsShown = new Set(); // ids of the dead letters whose details are open
let shownLetters = null;

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

function showMessage(text, ok) {
  const message = $('message');
  message.textContent = text;
  message.className = ok ? 'ok' : 'error';
}

async function fetchJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(path + ' answered ' + response.status);
  }
  return response.json();
}

async function fetchText(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(path + ' answered ' + response.status);
  }
  return response.text();
}

// An admin action: 401 and 403 say what the credential lacks, in the projector's own words.
async function post(path) {
  const headers = token() ? { Authorization: 'Bearer ' + token() } : {};
  const response = await fetch(path, { method: 'POST', headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const what = response.status === 401 ? 'the operator token was refused'
      : response.status === 403 ? 'not allowed' : 'refused';
    throw new Error(what + ' (' + response.status + '): ' + (body.error || ''));
  }
  return body;
}

// projector_events_total{operation="create",service="cdc-projector",table="article"} 12.0
function eventTotalsByTable(metrics) {
  const totals = new Map();
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('projector_events_total{')) {
      continue;
    }
    const table = /table="([^"]*)"/.exec(line);
    const value = Number(line.substring(line.lastIndexOf(' ') + 1));
    if (table && !Number.isNaN(value)) {
      totals.set(table[1], (totals.get(table[1]) || 0) + value);
    }
  }
  return totals;
}

function renderStatus(status) {
  $('state').textContent = status.state;
  $('state').className = 'badge ' + status.state;
  $('generation').textContent = status.generation;
  $('position').textContent = status.lastPosition || 'nothing yet';
  $('source-end').textContent = status.sourceBinlogEnd || '-';
  $('lag').textContent = status.lagMillis + ' ms';
  $('deadletter-count').textContent = status.deadLetters;
  renderProgress(status);
}

function renderProgress(status) {
  const rebuild = status.rebuild;
  const running = rebuild || (status.state === 'SNAPSHOT' ? status : null);
  const progress = $('progress');
  if (running) {
    const total = running.snapshotTotalRows || 0;
    progress.max = Math.max(total, 1);
    progress.value = Math.min(running.snapshotRowsDone || 0, progress.max);
    progress.dataset.state = 'running';
    $('progress-label').textContent = (rebuild ? 'rebuild into generation ' + rebuild.generation + ' (' + rebuild.state + '): '
      : 'snapshot: ') + (running.snapshotProgress || 'starting');
    $('rebuild').disabled = true;
  } else {
    progress.max = 1;
    progress.value = 1;
    progress.dataset.state = 'done';
    $('progress-label').textContent = 'done: generation ' + status.generation + ' serves, built from '
      + status.snapshotRows + ' snapshot rows';
    $('rebuild').disabled = false;
  }
}

function renderLag(status) {
  const now = Date.now() / 1000;
  lag.times.push(now);
  lag.values.push(status.lagMillis);
  while (lag.times.length && lag.times[0] < now - LAG_WINDOW_SECONDS) {
    lag.times.shift();
    lag.values.shift();
  }
  if (!lagChart) {
    lagChart = new uPlot({
      width: Math.max(300, $('lag-chart').clientWidth || 500), height: 180,
      series: [{}, { label: 'lag (ms)', stroke: '#1565c0', width: 2 }],
      axes: [{}, { label: 'ms' }],
      scales: { x: { time: true } },
      legend: { show: false },
    }, [lag.times, lag.values], $('lag-chart'));
  } else {
    lagChart.setData([lag.times, lag.values]);
  }
}

function renderEvents(totals) {
  const now = Date.now() / 1000;
  const rows = [];
  for (const [table, total] of [...totals.entries()].sort()) {
    const before = previousEvents ? previousEvents.totals.get(table) || 0 : total;
    const seconds = previousEvents ? Math.max(0.001, now - previousEvents.at) : 1;
    rows.push({ table, total, rate: Math.max(0, (total - before) / seconds) });
  }
  previousEvents = { at: now, totals };
  const body = $('events').tBodies[0];
  body.replaceChildren(...rows.map(row => {
    const tr = document.createElement('tr');
    tr.dataset.table = row.table;
    tr.append(cell(row.table), cell(row.rate.toFixed(1)), cell(String(row.total)));
    return tr;
  }));
}

function renderDeadLetters(letters) {
  // drawn again only when they changed, so an open row and the buttons stay put between polls
  const key = JSON.stringify(letters);
  if (key === shownLetters) {
    return;
  }
  shownLetters = key;
  const body = $('deadletters').tBodies[0];
  const rows = [];
  for (const letter of letters) {
    const tr = document.createElement('tr');
    tr.className = 'deadletter';
    tr.dataset.id = letter.id;
    const details = document.createElement('button');
    details.textContent = 'details';
    details.className = 'details-button';
    details.onclick = () => toggleDetails(letter.id);
    const actions = document.createElement('td');
    actions.append(details);
    tr.append(cell(letter.operation), cell(letter.table), cell(letter.position), cell(String(letter.attempts)),
      cell(letter.failedAt), actions);
    rows.push(tr);
    const more = document.createElement('tr');
    more.className = 'details';
    more.dataset.id = letter.id;
    more.hidden = !detailsShown.has(letter.id);
    const td = document.createElement('td');
    td.colSpan = 6;
    const pre = document.createElement('pre');
    pre.textContent = 'error  ' + letter.error + '\nbefore ' + letter.before + '\nafter  ' + letter.after
      + '\nread model ' + (letter.projection || '-') + '   kind ' + letter.kind + '   id ' + letter.id;
    td.append(pre);
    more.append(td);
    rows.push(more);
  }
  body.replaceChildren(...rows);
  $('retry').disabled = letters.length === 0;
}

function toggleDetails(id) {
  if (detailsShown.has(id)) {
    detailsShown.delete(id);
  } else {
    detailsShown.add(id);
  }
  for (const tr of document.querySelectorAll('#deadletters tr.details')) {
    tr.hidden = !detailsShown.has(tr.dataset.id);
  }
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : text;
  return td;
}

async function poll() {
  try {
    const [status, metrics, letters] = await Promise.all([fetchJson('/status'), fetchText('/metrics'),
      fetchJson('/deadletters')]);
    renderStatus(status);
    renderLag(status);
    renderEvents(eventTotalsByTable(metrics));
    renderDeadLetters(letters.deadLetters);
    $('connection').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    $('connection').textContent = 'cannot reach the projector: ' + e.message;
  }
}

async function act(question, path, done) {
  if (!token()) {
    showMessage('enter the operator token first (PROJECTOR_ADMIN_TOKEN, or a JWT with the operator role)', false);
    $('token').focus();
    return;
  }
  if (!window.confirm(question)) {
    return;
  }
  try {
    showMessage(done(await post(path)), true);
  } catch (e) {
    showMessage(e.message, false);
  }
  poll();
}

$('credential').onsubmit = event => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('token').value = '';
  $('token-state').textContent = token() ? 'token set for this tab' : 'no token';
  showMessage('', true); // what the old token was told no longer applies
};
$('rebuild').onclick = () => act('Rebuild every read model from a new snapshot? The active generation keeps serving '
  + 'until the new one has caught up.', '/rebuild', body => 'rebuild started into generation ' + body.generation);
$('replay').onclick = () => {
  const from = $('replay-from').value.trim();
  if (!from) {
    showMessage('give the position to replay from', false);
    return;
  }
  act('Replay the binlog from ' + from + '? Changes the models already contain are skipped.',
    '/replay?from=' + encodeURIComponent(from), () => 'replaying from ' + from);
};
$('retry').onclick = () => act('Retry every dead letter now?', '/deadletters/retry', body =>
  'retried: ' + body.applied.length + ' applied, ' + body.failed.length + ' failing, '
    + body.notRetryable.length + ' not retryable');

$('token-state').textContent = token() ? 'token set for this tab' : 'no token';
poll();
setInterval(poll, POLL_MILLIS);
