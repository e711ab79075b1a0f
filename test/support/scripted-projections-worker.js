// A stand-in for the projections worker thread that follows the thread protocol
// (src/read-models/projections-thread.protocol.ts) without a database: it reports a started
// runner as live at position 7, and ends the thread abruptly when asked to start `crash`.
const { parentPort } = require('node:worker_threads');

const snapshot = (projection, version, state, position) => ({
  projection,
  version,
  state,
  position,
  eventsApplied: position === undefined ? 0 : 7,
  pendingEvents: 0,
  lastRecordedAtMs: undefined,
  lastError: undefined,
  failures: 0,
  failedPosition: undefined,
});

parentPort.postMessage({ kind: 'ready' });
parentPort.on('message', (request) => {
  if (request.kind === 'start' && request.projection === 'crash') process.exit(3);
  if (request.kind === 'start') {
    parentPort.postMessage({
      kind: 'snapshot',
      snapshot: snapshot(request.projection, request.version, 'catchingUp', undefined),
    });
    parentPort.postMessage({ kind: 'log', level: 'info', message: 'projection starting' });
    parentPort.postMessage({ kind: 'reply', id: request.id });
    parentPort.postMessage({
      kind: 'snapshot',
      snapshot: snapshot(request.projection, request.version, 'live', '00000000000000000007'),
    });
    return;
  }
  if (request.kind === 'stop' && request.projection === 'refuses')
    return parentPort.postMessage({
      kind: 'reply',
      id: request.id,
      error: { name: 'ReadStoreUnavailableError', message: 'gone' },
    });
  parentPort.postMessage({ kind: 'reply', id: request.id });
});
