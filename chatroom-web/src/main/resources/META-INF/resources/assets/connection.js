// One WebSocket to one room (JSON mode), kept open: reconnects with exponential back-off
// and full jitter, resumes with `since` so the server sends what was missed, and notices a
// dead network by its own ping (browsers cannot send WebSocket pings).
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
const PING_EVERY_MS = 25000;
const PONG_WAIT_MS = 10000;
const SUBPROTOCOL = 'chatroom.v1.json';
// A browser cannot read the status of a refused upgrade: with a token, a room that never
// opened this many times running, for this long (longer than a server takes to restart), is
// taken as refused (401 or 403), not as a server down.
const REFUSED_AFTER_ATTEMPTS = 3;
const REFUSED_AFTER_MS = 8000;

export class RoomConnection {
  constructor({ url, room, user, token, onEvent, onState }) {
    Object.assign(this, { url, room, user, token, onEvent, onState });
    this.lastId = null;
    this.attempt = 0;
    this.welcomed = false;
    this.ws = null;
    this.state = 'offline';
    this.detail = '';
    this.stopped = false;
    this.openedAt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.deadline = null;
  }

  open() {
    this.stopped = false;
    this.openedAt = Date.now();
    this.connect();
  }

  close() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.abandon(1000);
    this.setState('offline', 'left');
  }

  /** Sends one event; false when the room is not connected (nothing is queued). */
  send(event) {
    if (this.state !== 'online' || this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(event));
    return true;
  }

  /** Skips the back-off wait, as when the browser says the network is back. */
  retryNow() {
    if (this.state === 'reconnecting' && !this.ws) this.connect();
  }

  connect() {
    clearTimeout(this.retryTimer);
    const url = new URL(this.url);
    url.searchParams.set('room', this.room);
    url.searchParams.set('user', this.user);
    if (this.lastId) url.searchParams.set('since', this.lastId);
    if (this.token) url.searchParams.set('token', this.token);
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting', 'connecting…');
    const ws = new WebSocket(url, SUBPROTOCOL);
    ws.opened = false;
    this.ws = ws;
    ws.onmessage = e => ws === this.ws && this.received(e.data);
    ws.onclose = e => ws === this.ws && this.dropped(e.code, e.reason, ws.opened);
    ws.onopen = () => { ws.opened = true; };
  }

  received(data) {
    clearTimeout(this.deadline);
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (event.type === 'welcome') {
      this.attempt = 0;
      this.welcomed = true;
      if (event.history.length) this.lastId = event.history[event.history.length - 1].id;
      this.startPinging();
      this.setState('online', '');
    } else if ((event.type === 'message' || event.type === 'notice') && event.id) {
      this.lastId = event.id;
    }
    this.onEvent(event);
  }

  dropped(code, reason, opened = true) {
    this.ws = null;
    this.stopPinging();
    if (this.stopped) return;
    if (code === 4001 || (code === 1008 && /token/i.test(reason))) {
      this.stopped = true;
      this.setState('offline', code === 4001 ? `removed: ${reason || 'kicked'}` : reason);
      return;
    }
    if (!opened && !this.welcomed && this.token && this.attempt + 1 >= REFUSED_AFTER_ATTEMPTS
        && Date.now() - this.openedAt >= REFUSED_AFTER_MS) {
      this.stopped = true;
      this.setState('offline', 'the server refused this token or name');
      return;
    }
    const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempt);
    const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    this.attempt++;
    const wait = `${Math.max(1, Math.round(delay / 1000))} s`;
    this.setState('reconnecting', !opened && this.attempt > 2
      ? `cannot connect (is the server up? does it need a token?): retrying in ${wait}`
      : `reconnecting in ${wait}`);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  abandon(code) {
    const ws = this.ws;
    this.ws = null;
    this.stopPinging();
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(code);
  }

  startPinging() {
    this.stopPinging();
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: 'ping' })) return;
      this.deadline = setTimeout(() => {
        this.abandon(1000);
        this.dropped(1006, 'no answer to ping');
      }, PONG_WAIT_MS);
    }, PING_EVERY_MS);
  }

  stopPinging() {
    clearInterval(this.pingTimer);
    clearTimeout(this.deadline);
  }

  setState(state, detail) {
    this.state = state;
    this.detail = detail;
    this.onState(this);
  }
}
