// One audio/video call at a time, peer to peer over WebRTC, set up through the server's
// `signal` relay. The four signals of PROTOCOL.md carry the call's steps in their payload:
//   offer  {kind: 'call', call, sdp}         the caller rings
//   answer {kind: 'ringing', call}           the callee's page is ringing
//   answer {kind: 'accept', call, sdp}       the callee picked up
//   ice-candidate {call, candidate}
//   hangup {call, reason}                    'hangup', 'declined', 'busy', 'no answer', 'failed'
const RING_TIMEOUT_MS = 30000;
const ENDED_SHOWN_MS = 4000;

export class Calls {
  constructor({ send, onChange, localVideo, remoteVideo }) {
    Object.assign(this, { send, onChange, localVideo, remoteVideo });
    this.state = 'idle';
    this.reset();
  }

  get busy() {
    return this.state !== 'idle' && this.state !== 'ended';
  }

  async start(peer) {
    if (this.busy) return;
    this.reset();
    this.peer = peer;
    this.id = crypto.randomUUID();
    this.set('calling', `Calling ${peer}…`);
    try {
      await this.connect();
      await this.pc.setLocalDescription(await this.pc.createOffer());
      this.signal('offer', { kind: 'call', sdp: this.pc.localDescription.toJSON() });
      this.timer = setTimeout(() => this.hangup('no answer'), RING_TIMEOUT_MS);
    } catch (e) {
      this.end(`Could not start the call: ${e.message}`);
    }
  }

  async accept() {
    if (this.state !== 'incoming') return;
    clearTimeout(this.timer);
    this.set('connecting', `Connecting to ${this.peer}…`);
    try {
      await this.connect();
      await this.pc.setRemoteDescription(this.offer);
      await this.addPendingCandidates();
      await this.pc.setLocalDescription(await this.pc.createAnswer());
      this.signal('answer', { kind: 'accept', sdp: this.pc.localDescription.toJSON() });
    } catch (e) {
      this.hangup('failed');
    }
  }

  decline() {
    if (this.state !== 'incoming') return;
    this.signal('hangup', { reason: 'declined' });
    this.end(`Declined ${this.peer}'s call`);
  }

  hangup(reason = 'hangup') {
    if (!this.busy) return;
    this.signal('hangup', { reason });
    this.end(reason === 'hangup' ? 'Call ended' : `Call ended: ${reason}`);
  }

  /** A signal from `from`; stale ones (another call, another peer) are ignored. */
  async handle(from, signal, payload) {
    if (signal === 'offer' && payload.kind === 'call') return this.ring(from, payload);
    if (payload.call !== this.id || from !== this.peer) return;
    if (signal === 'answer' && payload.kind === 'ringing' && this.state === 'calling') {
      this.set('ringing', `Ringing ${from}…`);
    } else if (signal === 'answer' && payload.kind === 'accept' && (this.state === 'calling' || this.state === 'ringing')) {
      clearTimeout(this.timer);
      this.set('connecting', `Connecting to ${from}…`);
      await this.pc.setRemoteDescription(payload.sdp);
      await this.addPendingCandidates();
    } else if (signal === 'ice-candidate' && payload.candidate) {
      await this.addCandidate(payload.candidate);
    } else if (signal === 'hangup' && this.busy) {
      this.end(hangupText(from, payload.reason, this.state));
    }
  }

  ring(from, payload) {
    if (this.busy) {
      this.send(from, 'hangup', { call: payload.call, reason: 'busy' });
      return;
    }
    this.reset();
    this.peer = from;
    this.id = payload.call;
    this.offer = payload.sdp;
    this.set('incoming', `${from} is calling`);
    this.signal('answer', { kind: 'ringing' });
    this.timer = setTimeout(() => this.end(`Missed call from ${from}`), RING_TIMEOUT_MS + 5000);
  }

  async connect() {
    this.stream = await media();
    this.localVideo.srcObject = this.stream;
    this.pc = new RTCPeerConnection({ iceServers: [] });
    for (const track of this.stream.getTracks()) this.pc.addTrack(track, this.stream);
    this.pc.onicecandidate = e => e.candidate && this.signal('ice-candidate', { candidate: e.candidate.toJSON() });
    this.pc.ontrack = e => { this.remoteVideo.srcObject = e.streams[0]; };
    this.pc.onconnectionstatechange = () => {
      const state = this.pc?.connectionState;
      if (state === 'connected') this.set('connected', `In a call with ${this.peer}`);
      else if (state === 'failed') this.hangup('failed');
    };
  }

  async addCandidate(candidate) {
    if (!this.pc?.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    try {
      await this.pc.addIceCandidate(candidate);
    } catch {
      // a candidate for a network this side cannot reach
    }
  }

  async addPendingCandidates() {
    const pending = this.pendingCandidates.splice(0);
    for (const candidate of pending) await this.addCandidate(candidate);
  }

  signal(signal, payload) {
    this.send(this.peer, signal, { call: this.id, ...payload });
  }

  end(text) {
    clearTimeout(this.timer);
    this.pc?.close();
    this.stream?.getTracks().forEach(track => track.stop());
    this.localVideo.srcObject = null;
    this.remoteVideo.srcObject = null;
    this.pc = null;
    this.stream = null;
    this.set('ended', text);
    this.timer = setTimeout(() => this.set('idle', ''), ENDED_SHOWN_MS);
  }

  reset() {
    clearTimeout(this.timer);
    this.peer = null;
    this.id = null;
    this.pc = null;
    this.stream = null;
    this.offer = null;
    this.pendingCandidates = [];
    this.text = '';
  }

  set(state, text) {
    this.state = state;
    this.text = text;
    this.onChange();
  }
}

async function media() {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  } catch {
    return navigator.mediaDevices.getUserMedia({ audio: true });
  }
}

function hangupText(peer, reason, state) {
  if (reason === 'busy') return `${peer} is busy`;
  if (reason === 'declined') return `${peer} declined the call`;
  if (state === 'incoming') return `Missed call from ${peer}`;
  return `${peer} hung up`;
}
