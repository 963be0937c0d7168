import { el, byId, show, time, dayLabel, lastSeen } from './dom.js';
import { RoomConnection } from './connection.js';
import * as e2e from './e2e.js';
import { Calls } from './call.js';

const ROOM_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const USER_NAME = /^(?! )[\p{L}\p{N} _.-]{1,32}(?<! )$/u;
const TYPING_REFRESH_MS = 3000;
const TYPING_FORGET_MS = 7000;
const HISTORY_PAGE = 50;
const SIGNALS_REMEMBERED = 500;
const REFS_REMEMBERED = 500;

const chat = {
  user: null,
  token: '',
  endpoint: null,
  identity: null,
  rooms: new Map(),
  dms: new Map(),
  active: null,
  lastRoom: null,
  typingIn: null,
  typingSentAt: 0,
  signalsSeen: new Set(),
  refs: new Map(),
  nextRef: 1,
};

const saved = {
  get(key, fallback) {
    try {
      return JSON.parse(localStorage.getItem(`chatroom.${key}`)) ?? fallback;
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(`chatroom.${key}`, JSON.stringify(value));
    } catch {
      // private mode: nothing is remembered
    }
  },
};

const calls = new Calls({
  send: (peer, signal, payload) => sendSignal(peer, signal, payload),
  onChange: () => render(),
  localVideo: byId('local-video'),
  remoteVideo: byId('remote-video'),
});

// ---- conversations -------------------------------------------------------------------------

function conversation(kind, name) {
  return { kind, name, entries: [], ids: new Set(), unread: 0, key: null, more: false, loadingOlder: false,
    version: 0, limits: null };
}

function joinRoom(name) {
  if (chat.rooms.has(name)) return chat.rooms.get(name);
  const room = Object.assign(conversation('room', name), { members: new Map(), typing: new Map(), welcomed: false });
  room.conn = new RoomConnection({
    url: chat.endpoint, room: name, user: chat.user, token: chat.token,
    onEvent: event => onRoomEvent(room, event),
    onState: () => render(),
  });
  chat.rooms.set(name, room);
  rememberRooms();
  room.conn.open();
  return room;
}

function leaveRoom(room) {
  room.conn.close();
  chat.rooms.delete(room.name);
  rememberRooms();
  if (chat.lastRoom === room) chat.lastRoom = null;
  if (chat.active === room) {
    const next = chat.rooms.values().next().value ?? chat.dms.values().next().value;
    if (next) activate(next);
    else backToLogin();
  }
  render();
}

function backToLogin() {
  chat.active = null;
  chat.lastRoom = null;
  history.replaceState(null, '', location.pathname);
  show(byId('chat-view'), false);
  show(byId('login-view'), true);
  byId('status').dataset.state = 'offline';
  byId('status').textContent = 'offline';
  byId('room').focus();
}

function openDm(peer) {
  if (!chat.dms.has(peer)) chat.dms.set(peer, Object.assign(conversation('dm', peer), { fingerprint: null, keyWanted: false }));
  return chat.dms.get(peer);
}

function activate(conv) {
  stopTyping();
  chat.active = conv;
  conv.unread = 0;
  if (conv.kind === 'room') {
    chat.lastRoom = conv;
    history.replaceState(null, '', `?${new URLSearchParams({ user: chat.user, room: conv.name })}`);
  }
  render();
  byId('input').focus();
}

function rememberRooms() {
  saved.set(`rooms.${chat.user}`, [...chat.rooms.keys()]);
}

// ---- events from the server ----------------------------------------------------------------

function onRoomEvent(room, event) {
  switch (event.type) {
    case 'welcome': welcome(room, event); break;
    case 'message':
    case 'notice':
      if (event.type === 'message') typingStopped(room, event.from);
      addMessage(room, event, true);
      break;
    case 'join':
      setMember(room, event.user, 'online', null);
      if (event.user !== chat.user) addEvent(room, `${event.user} joined`, event.ts);
      break;
    case 'leave':
      setMember(room, event.user, 'offline', event.ts);
      typingStopped(room, event.user);
      addEvent(room, `${event.user} left${event.reason && event.reason !== 'closed' ? ` (${event.reason})` : ''}`, event.ts);
      break;
    case 'presence': setMember(room, event.user, event.status, event.lastSeen); break;
    case 'typing': event.typing ? typingStarted(room, event.user) : typingStopped(room, event.user); break;
    case 'private': onPrivate(event); break;
    case 'signal': onSignal(event); break;
    case 'history': olderPage(room, event); break;
    case 'error': onError(room, event); break;
    default: break;
  }
  render();
}

function welcome(room, event) {
  const again = room.welcomed;
  room.welcomed = true;
  room.limits = event.limits ?? null;
  for (const [user, member] of room.members) {
    if (member.status !== 'offline') room.members.set(user, { status: 'offline', lastSeen: Date.now() });
  }
  for (const member of event.members) room.members.set(member.user, { status: member.status, lastSeen: null });
  room.typing.forEach(timer => clearTimeout(timer));
  room.typing.clear();
  const gap = again && !event.recovered;
  if (gap) forgetMessages(room);
  for (const message of event.history) addMessage(room, message, again);
  if (!again) addEvent(room, `You joined #${room.name}`, Date.now());
  if (gap) addEvent(room, 'The server could not replay everything written while you were away: these are the latest messages, scroll up for older ones', Date.now(), 'info');
  if (!again || gap) room.more = event.history.length > 0;
  if (document.hidden) room.conn.send({ type: 'presence', status: 'away' });
}

/** Starts the room's view again from the welcome's history, so that paging back has no gap. */
function forgetMessages(room) {
  room.entries = [];
  room.ids.clear();
  room.loadingOlder = false;
  room.version++;
}

function onPrivate(event) {
  const peer = event.from === chat.user ? event.to : event.from;
  addMessage(openDm(peer), event, true);
}

function onSignal(event) {
  const payload = event.payload ?? {};
  if (payload.sid) {
    if (chat.signalsSeen.has(payload.sid)) return;
    chat.signalsSeen.add(payload.sid);
    if (chat.signalsSeen.size > SIGNALS_REMEMBERED) chat.signalsSeen.delete(chat.signalsSeen.values().next().value);
  }
  if (payload.kind === 'key') peerKey(event.from, event.signal, payload.publicKey);
  else calls.handle(event.from, event.signal, payload);
}

function onError(room, event) {
  const target = chat.refs.get(event.ref) ?? room;
  chat.refs.delete(event.ref);
  addEvent(target, `Not sent: ${event.message}`, Date.now(), 'error');
}

function olderPage(room, event) {
  room.loadingOlder = false;
  room.more = event.more;
  const older = event.messages.filter(m => !room.ids.has(m.id)).map(m => entryOf(room, m));
  room.entries.unshift(...older);
  room.keepScroll = true;
  room.version++;
}

// ---- messages ------------------------------------------------------------------------------

function entryOf(conv, message) {
  conv.ids.add(message.id);
  const entry = {
    kind: message.type === 'notice' ? 'notice' : 'message',
    id: message.id, from: message.from, ts: message.ts, text: message.text,
    own: message.from === chat.user, sealed: e2e.isSealed(message.text), plain: null, failed: false,
  };
  if (entry.sealed) unseal(conv, entry);
  return entry;
}

function addMessage(conv, message, live) {
  if (message.ref) chat.refs.delete(message.ref);
  if (conv.ids.has(message.id)) return;
  conv.entries.push(entryOf(conv, message));
  if (live && message.from !== chat.user && (conv !== chat.active || document.hidden)) conv.unread++;
}

function addEvent(conv, text, ts, kind = 'event') {
  conv.entries.push({ kind, text, ts });
}

async function unseal(conv, entry) {
  if (!conv.key) {
    entry.plain = null;
    entry.failed = false;
    return;
  }
  const key = conv.key;
  const plain = await e2e.open(key, entry.text, contextOf(conv));
  if (conv.key !== key) return;
  entry.plain = plain;
  entry.failed = plain === null;
  if (rendered.conv === conv) {
    byId('messages').querySelector(`li[data-id="${CSS.escape(entry.id)}"]`)?.replaceWith(entryNode(conv, entry));
  }
}

function contextOf(conv) {
  return conv.kind === 'room' ? e2e.roomContext(conv.name) : e2e.pairContext(chat.user, conv.name);
}

function setMember(room, user, status, seen) {
  room.members.set(user, { status, lastSeen: seen });
}

function typingStarted(room, user) {
  clearTimeout(room.typing.get(user));
  room.typing.set(user, setTimeout(() => {
    room.typing.delete(user);
    render();
  }, TYPING_FORGET_MS));
}

function typingStopped(room, user) {
  clearTimeout(room.typing.get(user));
  room.typing.delete(user);
}

// ---- sending -------------------------------------------------------------------------------

function connectionFor(conv) {
  if (conv?.kind === 'room' && conv.conn.state === 'online') return conv.conn;
  if (chat.lastRoom?.conn.state === 'online') return chat.lastRoom.conn;
  return [...chat.rooms.values()].map(r => r.conn).find(c => c.state === 'online');
}

function ref(conv) {
  const id = `r${chat.nextRef++}`;
  chat.refs.set(id, conv);
  if (chat.refs.size > REFS_REMEMBERED) chat.refs.delete(chat.refs.keys().next().value);
  return id;
}

async function sendText(conv, text) {
  if (conv.keyComing) await conv.keyComing;
  const sealed = conv.key ? await e2e.seal(conv.key, text, contextOf(conv)) : text;
  const event = conv.kind === 'room'
    ? { type: 'message', text: sealed, ref: ref(conv) }
    : { type: 'private', to: conv.name, text: sealed, ref: ref(conv) };
  const connection = connectionFor(conv);
  const limit = connection && chat.rooms.get(connection.room)?.limits?.maxMessageBytes;
  if (limit && new TextEncoder().encode(JSON.stringify(event)).length > limit) {
    addEvent(conv, `Not sent: longer than the server's limit of ${limit} bytes`, Date.now(), 'error');
    return true;
  }
  return connection?.send(event) ?? false;
}

function sendSignal(peer, signal, payload) {
  const event = { type: 'signal', to: peer, signal, payload: { ...payload, sid: crypto.randomUUID() }, ref: ref(openDm(peer)) };
  const sent = connectionFor(chat.active)?.send(event);
  if (!sent) addEvent(openDm(peer), 'Not connected: the signal was not sent', Date.now(), 'error');
}

function setPresence(status) {
  for (const room of chat.rooms.values()) room.conn.send({ type: 'presence', status });
}

function typingInput() {
  const conv = chat.active;
  const text = byId('input').value;
  const composing = conv?.kind === 'room' && text.trim() !== '' && (!text.startsWith('/') || text.startsWith('//'));
  if (!composing) {
    stopTyping();
  } else if (chat.typingIn !== conv || Date.now() - chat.typingSentAt > TYPING_REFRESH_MS) {
    if (chat.typingIn !== conv) stopTyping();
    if (conv.conn.send({ type: 'typing', typing: true })) {
      chat.typingIn = conv;
      chat.typingSentAt = Date.now();
    }
  }
}

function stopTyping() {
  chat.typingIn?.conn.send({ type: 'typing', typing: false });
  chat.typingIn = null;
}

async function submit() {
  const input = byId('input');
  const text = input.value;
  const conv = chat.active;
  if (!text.trim() || !conv) return;
  input.value = '';
  if (text.startsWith('/') && !text.startsWith('//')) {
    stopTyping();
    command(conv, text);
    return;
  }
  const body = text.startsWith('//') ? text.slice(1) : text;
  if (conv.kind === 'room' && chat.typingIn === conv) chat.typingIn = null;
  else stopTyping();
  if (!await sendText(conv, body)) {
    input.value = text;
    addEvent(conv, 'Not connected: the message was not sent', Date.now(), 'error');
    render();
  }
}

function command(conv, text) {
  const [, name, rest = ''] = text.match(/^\/(\S+)\s*([\s\S]*)$/);
  const pm = rest.match(/^(?:"([^"]+)"|(\S+))\s+([\s\S]+)$/);
  switch (name) {
    case 'msg':
      if (!pm) return help(conv, 'Usage: /msg NAME text');
      return sendText(openDm(pm[1] ?? pm[2]), pm[3]).then(sent => sent || help(conv, 'Not connected: the message was not sent'));
    case 'away': return setPresence('away');
    case 'back': return setPresence('online');
    case 'join':
      if (!ROOM_NAME.test(rest.trim())) return help(conv, 'Usage: /join ROOM (letters, digits, _ . -)');
      return activate(joinRoom(rest.trim()));
    case 'leave': return chat.lastRoom && leaveRoom(chat.lastRoom);
    case 'who':
      document.body.classList.add('show-members');
      return byId('members').focus();
    case 'help':
      return help(conv, 'Commands: /msg NAME text, /join ROOM, /leave, /away, /back, /who; //text sends "/text"');
    default:
      return help(conv, `Unknown command /${name} (try /help)`);
  }
}

function help(conv, text) {
  addEvent(conv, text, Date.now(), 'info');
  render();
}

// ---- end-to-end encryption -----------------------------------------------------------------

async function encryptRoom(room, passphrase) {
  byId('e2e-state').textContent = 'Deriving the key…';
  room.keyComing = e2e.roomKey(room.name, passphrase);
  room.key = await room.keyComing;
  room.keyComing = null;
  room.entries.filter(e => e.sealed).forEach(e => unseal(room, e));
  room.version++;
  render();
}

function stopEncrypting(room) {
  room.key = null;
  room.entries.filter(e => e.sealed).forEach(e => { e.plain = null; e.failed = false; });
  room.version++;
  render();
}

async function ownIdentity() {
  chat.identity ??= await e2e.identity(chat.user);
  return chat.identity;
}

async function offerKey(dm) {
  try {
    const own = await ownIdentity();
    dm.keyWanted = true;
    sendSignal(dm.name, 'offer', { kind: 'key', publicKey: own.publicKey });
    render();
  } catch (e) {
    help(dm, `Encryption is not available in this browser: ${e.message}`);
  }
}

async function peerKey(peer, signal, publicKey) {
  if (typeof publicKey !== 'string') return;
  const dm = openDm(peer);
  try {
    const own = await ownIdentity();
    const known = saved.get(`peer.${chat.user}.${peer}`, null);
    const { key, fingerprint } = await e2e.pairKey(own, publicKey);
    if (known && known !== publicKey) addEvent(dm, `${peer}'s key changed: compare the fingerprint again`, Date.now(), 'error');
    saved.set(`peer.${chat.user}.${peer}`, publicKey);
    const fresh = dm.fingerprint !== fingerprint;
    dm.key = key;
    dm.fingerprint = fingerprint;
    dm.keyWanted = false;
    if (signal === 'offer') sendSignal(peer, 'answer', { kind: 'key', publicKey: own.publicKey });
    if (fresh) addEvent(dm, `Messages with ${peer} are now end-to-end encrypted. Fingerprint ${fingerprint}: the same on both sides means nobody swapped the keys.`, Date.now(), 'info');
    dm.entries.filter(e => e.sealed).forEach(e => unseal(dm, e));
  } catch (e) {
    addEvent(dm, `Could not agree on a key with ${peer}: ${e.message}`, Date.now(), 'error');
  }
  render();
}

// ---- rendering -----------------------------------------------------------------------------

// What #messages shows: entries are appended as they come; anything else (older pages,
// decryption, another conversation) bumps the conversation's version and redraws it all.
let rendered = { conv: null, version: -1, count: 0, day: null };

function render() {
  if (!chat.active) return;
  renderStatus();
  renderLists();
  renderHead();
  renderCall();
  renderMessages();
  renderTyping();
  renderMembers();
  const unread = [...chat.rooms.values(), ...chat.dms.values()].reduce((n, c) => n + c.unread, 0);
  document.title = unread ? `(${unread}) Chatroom` : 'Chatroom';
}

function renderStatus() {
  const room = chat.active.kind === 'room' ? chat.active : chat.lastRoom ?? chat.rooms.values().next().value;
  const status = byId('status');
  const state = room?.conn.state ?? 'offline';
  status.dataset.state = state;
  status.textContent = state === 'online' ? 'online' : room?.conn.detail || state;
}

function renderLists() {
  const item = (conv, attr, label) => el('li', { dataset: { [attr]: conv.name }, class: conv === chat.active ? 'active' : '' },
    el('button', { type: 'button', onclick: () => activate(conv), 'aria-current': conv === chat.active ? 'true' : null },
      el('span', { class: 'name' }, label),
      el('span', { class: 'unread', 'aria-label': conv.unread ? `${conv.unread} unread` : null }, conv.unread ? String(conv.unread) : '')),
    attr === 'room' ? el('button', { type: 'button', class: 'leave', title: `Leave ${conv.name}`, 'aria-label': `Leave ${conv.name}`,
      onclick: () => leaveRoom(conv) }, '×') : null);
  const rooms = [...chat.rooms.values()];
  const dms = [...chat.dms.values()];
  redraw('rooms', rooms.map(r => [r.name, r.unread, r === chat.active]), () => rooms.map(r => item(r, 'room', `# ${r.name}`)));
  redraw('dms', dms.map(d => [d.name, d.unread, d === chat.active]), () => dms.map(d => item(d, 'peer', `@ ${d.name}`)));
}

// Lists are rebuilt only when what they show changed, so that a button keeps the keyboard focus.
const drawn = new Map();

function redraw(id, shown, build) {
  const signature = JSON.stringify(shown);
  if (drawn.get(id) === signature) return;
  drawn.set(id, signature);
  byId(id).replaceChildren(...build());
}

function renderHead() {
  const conv = chat.active;
  const room = conv.kind === 'room';
  byId('title').textContent = room ? `# ${conv.name}` : `@ ${conv.name}`;
  show(byId('e2e'), room);
  show(byId('dm-tools'), !room);
  if (room) {
    const on = conv.key !== null;
    byId('e2e-state').textContent = on ? 'Encrypted with the room passphrase' : '';
    show(byId('passphrase'), !on);
    show(byId('encrypt'), !on);
    show(byId('decrypt-off'), on);
  } else {
    byId('fingerprint').textContent = conv.fingerprint ?? (conv.keyWanted ? 'waiting for their key…' : '');
    byId('dm-encrypt').textContent = conv.key ? 'Exchange keys again' : 'Encrypt';
    byId('call').disabled = calls.busy;
  }
  show(byId('older'), room && conv.more);
}

function renderCall() {
  const ringing = calls.state === 'incoming';
  if (ringing && byId('incoming').hidden) queueMicrotask(() => byId('accept').focus());
  show(byId('incoming'), ringing);
  byId('incoming-text').textContent = calls.state === 'incoming' ? calls.text : '';
  const panel = byId('call-panel');
  panel.dataset.state = calls.state;
  show(panel, calls.state !== 'idle' && calls.state !== 'incoming');
  byId('call-state').textContent = calls.text;
  show(byId('hangup'), calls.busy);
}

function renderMessages() {
  const conv = chat.active;
  const box = byId('messages');
  const redraw = rendered.conv !== conv || rendered.version !== conv.version;
  if (!redraw && rendered.count === conv.entries.length) return;
  const switched = rendered.conv !== conv;
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const oldHeight = box.scrollHeight;
  const oldTop = box.scrollTop;
  let day = redraw ? null : rendered.day;
  const nodes = [];
  for (const entry of conv.entries.slice(redraw ? 0 : rendered.count)) {
    const entryDay = entry.ts ? new Date(entry.ts).toDateString() : day;
    if (entryDay !== day) nodes.push(el('li', { class: 'day', role: 'separator' }, dayLabel(entry.ts)));
    day = entryDay;
    nodes.push(entryNode(conv, entry));
  }
  if (redraw) box.replaceChildren(...nodes);
  else box.append(...nodes);
  if (conv.keepScroll) box.scrollTop = oldTop + (box.scrollHeight - oldHeight);
  else if (switched || nearBottom) box.scrollTop = box.scrollHeight;
  conv.keepScroll = false;
  rendered = { conv, version: conv.version, count: conv.entries.length, day };
}

function entryNode(conv, entry) {
  if (entry.kind !== 'message' && entry.kind !== 'notice') {
    return el('li', { class: `event ${entry.kind}` }, entry.ts ? el('span', { class: 'time' }, time(entry.ts)) : null, entry.text);
  }
  const classes = ['msg', entry.kind === 'notice' ? 'notice' : '', entry.own ? 'own' : '', entry.sealed ? 'encrypted' : '',
    entry.sealed && entry.plain === null ? 'undecryptable' : ''].filter(Boolean).join(' ');
  return el('li', { class: classes, dataset: { id: entry.id, ...(entry.from ? { from: entry.from } : {}) } },
    el('span', { class: 'time' }, el('time', { datetime: new Date(entry.ts).toISOString() }, time(entry.ts))),
    el('span', { class: 'from' }, entry.kind === 'notice' ? '***' : entry.from),
    el('span', { class: 'text' }, textOf(conv, entry)));
}

function textOf(conv, entry) {
  if (!entry.sealed) return entry.text;
  if (entry.plain !== null) return entry.plain;
  if (!conv.key) return conv.kind === 'room' ? 'Encrypted message: enter the room passphrase to read it' : 'Encrypted message: exchange keys to read it';
  if (entry.failed) return conv.kind === 'room' ? 'Cannot decrypt this message: wrong passphrase?' : 'Cannot decrypt this message: the keys differ';
  return 'Decrypting…';
}

function renderTyping() {
  const conv = chat.active;
  const names = conv.kind === 'room' ? [...conv.typing.keys()].filter(u => u !== chat.user) : [];
  byId('typing').textContent = names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…`
    : names.length === 2 ? `${names[0]} and ${names[1]} are typing…`
    : 'Several people are typing…';
}

function renderMembers() {
  const room = chat.active.kind === 'room' ? chat.active : chat.lastRoom;
  const rank = { online: 0, away: 1, offline: 2 };
  const members = room ? [...room.members].sort(([a, x], [b, y]) => rank[x.status] - rank[y.status]
    || a.localeCompare(b, undefined, { sensitivity: 'base' })) : [];
  redraw('members', [chat.user, members], () => members.map(([user, m]) => el('li', { dataset: { user, status: m.status } },
    el('button', { type: 'button', disabled: user === chat.user, title: user === chat.user ? 'you' : `Private conversation with ${user}`,
      onclick: () => activate(openDm(user)) },
    el('span', { class: 'dot', 'aria-hidden': 'true' }), user, user === chat.user ? ' (you)' : ''),
    el('span', { class: 'seen' }, m.status === 'away' ? `away${m.lastSeen ? `, last seen ${lastSeen(m.lastSeen)}` : ''}`
      : m.status === 'offline' && m.lastSeen ? `last seen ${lastSeen(m.lastSeen)}` : ''))));
}

// ---- start ---------------------------------------------------------------------------------

async function endpoint() {
  let path = '/ws';
  try {
    const response = await fetch('chatroom.json', { cache: 'no-cache' });
    if (response.ok) path = (await response.json()).endpoint ?? path;
  } catch {
    // no configuration: the default endpoint
  }
  const url = new URL(path, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

async function login() {
  const user = byId('name').value.trim();
  const room = byId('room').value.trim();
  const error = byId('login-error');
  if (!USER_NAME.test(user)) return void (error.textContent = 'A name is 1 to 32 letters, digits, spaces, _ . or -');
  if (!ROOM_NAME.test(room)) return void (error.textContent = 'A room is 1 to 64 letters, digits, _ . or -');
  if (chat.user !== user) {
    chat.dms.clear();
    chat.identity = null;
  }
  chat.user = user;
  chat.token = byId('token').value.trim();
  chat.endpoint ??= await endpoint();
  saved.set('user', user);
  sessionStorage.setItem('chatroom.token', chat.token);
  byId('me').textContent = user;
  show(byId('login-view'), false);
  show(byId('chat-view'), true);
  const rooms = [room, ...saved.get(`rooms.${user}`, []).filter(r => r !== room && ROOM_NAME.test(r))];
  rooms.forEach(joinRoom);
  activate(chat.rooms.get(room));
}

function wire() {
  byId('login').addEventListener('submit', e => { e.preventDefault(); login(); });
  byId('token').addEventListener('input', nameFromToken);
  byId('composer').addEventListener('submit', e => { e.preventDefault(); submit(); });
  byId('input').addEventListener('input', typingInput);
  byId('add-room').addEventListener('submit', e => {
    e.preventDefault();
    const name = byId('new-room').value.trim();
    if (!ROOM_NAME.test(name)) return;
    byId('new-room').value = '';
    activate(joinRoom(name));
  });
  byId('e2e').addEventListener('submit', e => {
    e.preventDefault();
    const passphrase = byId('passphrase').value;
    if (!passphrase || chat.active?.kind !== 'room') return;
    byId('passphrase').value = '';
    encryptRoom(chat.active, passphrase);
  });
  byId('decrypt-off').addEventListener('click', () => stopEncrypting(chat.active));
  byId('dm-encrypt').addEventListener('click', () => offerKey(chat.active));
  byId('call').addEventListener('click', () => calls.start(chat.active.name));
  byId('accept').addEventListener('click', () => { activate(openDm(calls.peer)); calls.accept(); });
  byId('decline').addEventListener('click', () => calls.decline());
  byId('hangup').addEventListener('click', () => calls.hangup());
  byId('older').addEventListener('click', () => loadOlder(chat.active));
  byId('messages').addEventListener('scroll', () => {
    if (byId('messages').scrollTop < 40) loadOlder(chat.active);
  });
  byId('members-toggle').addEventListener('click', () => document.body.classList.toggle('show-members'));
  document.addEventListener('visibilitychange', () => {
    setPresence(document.hidden ? 'away' : 'online');
    if (!document.hidden && chat.active) {
      chat.active.unread = 0;
      render();
    }
  });
  window.addEventListener('online', () => chat.rooms.forEach(room => room.conn.retryNow()));
  window.addEventListener('beforeunload', () => calls.hangup());
}

function loadOlder(conv) {
  if (conv?.kind !== 'room' || !conv.more || conv.loadingOlder) return;
  const oldest = conv.entries.find(e => e.id)?.id;
  if (!oldest) return;
  if (conv.conn.send({ type: 'history', before: oldest, limit: HISTORY_PAGE })) conv.loadingOlder = true;
}

/** The `sub` claim of a JWT (its payload is base64url JSON), or null for any other token; the server verifies it, not the page. */
function tokenSubject(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const bytes = Uint8Array.from(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0));
    const sub = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).sub;
    return typeof sub === 'string' && sub !== '' ? sub : null;
  } catch {
    return null;
  }
}

/** A server refuses a name other than its token's: with a JWT in the token field, the name is its `sub` and cannot be edited. */
function nameFromToken() {
  const name = byId('name');
  const sub = tokenSubject(byId('token').value.trim());
  name.readOnly = sub !== null;
  name.title = sub !== null ? 'The name comes from the token' : '';
  if (sub !== null) name.value = sub;
}

function prefill() {
  const query = new URLSearchParams(location.search);
  const hash = new URLSearchParams(location.hash.slice(1));
  byId('name').value = query.get('user') ?? saved.get('user', '');
  byId('room').value = query.get('room') ?? 'general';
  byId('token').value = hash.get('token') ?? sessionStorage.getItem('chatroom.token') ?? '';
  if (hash.has('token')) {
    byId('token').closest('details').open = true;
    history.replaceState(null, '', location.pathname + location.search);
  }
  nameFromToken();
  return query.has('user') && query.has('room');
}

wire();
if (prefill()) login();
else byId('name').focus();
