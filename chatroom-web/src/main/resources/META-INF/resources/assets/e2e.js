// End-to-end encryption in the browser (WebCrypto). The server only ever relays and stores
// `e2e1:IV:CIPHERTEXT` (base64): AES-GCM-256 with a fresh 96-bit IV per message, and the
// conversation (room name, or the pair of users) as additional data so that a ciphertext
// copied into another conversation does not open.
//   Rooms: the key is PBKDF2-SHA-256 of a passphrase, salted with a hash of the room name.
//   Private conversations: each user holds an ECDH P-256 key pair (IndexedDB, private part
//   not extractable); both sides derive the same key with HKDF from the shared secret.
const PREFIX = 'e2e1:';
const PBKDF2_ITERATIONS = 310000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const isSealed = text => typeof text === 'string' && text.startsWith(PREFIX);

export async function roomKey(room, passphrase) {
  const salt = await sha256(encoder.encode(`chatroom room key v1\n${room}`));
  const base = await crypto.subtle.importKey('raw', encoder.encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations: PBKDF2_ITERATIONS, hash: 'SHA-256' },
    base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export async function seal(key, text, context) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
    key, encoder.encode(text));
  return `${PREFIX}${toBase64(iv)}:${toBase64(new Uint8Array(sealed))}`;
}

/** The plaintext, or null when the key is not the one the text was sealed with. */
export async function open(key, text, context) {
  const [iv, sealed] = text.slice(PREFIX.length).split(':');
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData: encoder.encode(context) },
      key, fromBase64(sealed));
    return decoder.decode(plain);
  } catch {
    return null;
  }
}

export const roomContext = room => `room\n${room}`;
export const pairContext = (a, b) => `private\n${[a, b].sort().join('\n')}`;

/** This browser's key pair for `user`, made once and kept in IndexedDB. */
export async function identity(user) {
  const db = await database();
  let pair = await request(db.transaction('keys').objectStore('keys').get(user));
  if (!pair) {
    pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
    await request(db.transaction('keys', 'readwrite').objectStore('keys').put(pair, user));
  }
  const publicKey = toBase64(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  return { privateKey: pair.privateKey, publicKey };
}

/** The key two users share, and the fingerprint of their two public keys to compare out of band. */
export async function pairKey(own, peerPublicKey) {
  const peer = await crypto.subtle.importKey('raw', fromBase64(peerPublicKey), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const secret = await crypto.subtle.deriveBits({ name: 'ECDH', public: peer }, own.privateKey, 256);
  const both = concat([own.publicKey, peerPublicKey].sort().map(fromBase64));
  const hkdf = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: both, info: encoder.encode('chatroom private v1') },
    hkdf, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const digest = await sha256(both);
  const hex = [...digest.slice(0, 12)].map(b => b.toString(16).padStart(2, '0')).join('');
  return { key, fingerprint: hex.match(/.{4}/g).join(' ') };
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

function database() {
  const opening = indexedDB.open('chatroom-e2e', 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore('keys');
  return request(opening);
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function concat(parts) {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

function toBase64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text) {
  return Uint8Array.from(atob(text), c => c.charCodeAt(0));
}
