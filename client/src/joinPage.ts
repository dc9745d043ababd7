import { connectMeeting, request } from '../../server/protocol/client.js';
import type { Snapshot } from '../../server/protocol/messages.js';
import { LinkSampler } from './media/linkSampler.js';
import { MediaClient } from './media/MediaClient.js';

/**
 * The join page (`/join?token=…`) until the consoles arrive: the room's camera and microphone on the bridge, the
 * program (hub and speaker), thumbnails for staff, and the few buttons a demo needs. Exposes `window.diemcau` for
 * browser tests.
 */
const PURPOSE: Record<string, string> = { hub: 'Điểm cầu trung tâm', speaker: 'Đang phát biểu', grid: 'Điểm cầu' };
const ROLE: Record<string, string> = {
  chair: 'Chủ trì',
  cochair: 'Đồng chủ trì',
  point: 'Điểm cầu',
  technician: 'Kỹ thuật viên',
  observer: 'Quan sát viên',
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function main(): Promise<void> {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const status = $('status');
  let snapshot: Snapshot;
  let connection;
  try {
    connection = await connectMeeting(location.origin, token);
    snapshot = connection.snapshot;
  } catch (error) {
    status.textContent = `Không vào được hội nghị: ${(error as Error).message}`;

    return;
  }
  const { socket } = connection;
  // Captions: point names from the staff snapshot and from whoever holds the floor.
  const names = new Map<string, string>((snapshot.points ?? []).map((p) => [p.pointId, p.name]));
  $('title').textContent = snapshot.meeting.title;
  $('who').textContent =
    `${ROLE[snapshot.you.role] ?? snapshot.you.role}${snapshot.you.pointName ? ` — ${snapshot.you.pointName}` : ''}`;
  const media = new MediaClient({ socket, onChange: () => render() });
  const videos = $('videos');
  const audios = $('audios');
  const elements = new Map<string, HTMLMediaElement>();

  function render(): void {
    for (const slot of media.slots) {
      let element = elements.get(slot.mid);
      if (element === undefined) {
        element = document.createElement(slot.kind === 'video' ? 'video' : 'audio');
        element.autoplay = true;
        element.setAttribute('playsinline', '');
        element.dataset.mid = slot.mid;
        if (slot.kind === 'video') {
          const figure = document.createElement('figure');
          figure.className = `slot ${slot.purpose}`;
          figure.append(element, document.createElement('figcaption'));
          videos.append(figure);
        } else {
          audios.append(element);
        }
        elements.set(slot.mid, element);
      }
      if (slot.stream !== null && element.srcObject !== slot.stream) {
        element.srcObject = slot.stream;
      }
      const figure = element.parentElement;
      if (figure?.tagName === 'FIGURE') {
        figure.hidden = slot.source === null;
        (figure.querySelector('figcaption') as HTMLElement).textContent =
          `${PURPOSE[slot.purpose] ?? ''}${slot.sourcePointId ? ` · ${names.get(slot.sourcePointId) ?? slot.sourcePointId}` : ''}`;
      }
    }
  }

  const requestFloor = $<HTMLButtonElement>('request');
  const next = $<HTMLButtonElement>('next');
  const revoke = $<HTMLButtonElement>('revoke');
  if (snapshot.you.role === 'point') {
    requestFloor.hidden = false;
    requestFloor.onclick = async () => {
      const ack = await request(socket, 'floor:request', { kind: 'speech' });
      status.textContent = ack.ok ? `Đã xin phát biểu, thứ tự ${ack.position}` : ack.error.message;
    };
  } else if (snapshot.you.role === 'chair' || snapshot.you.role === 'cochair') {
    const start = $<HTMLButtonElement>('start');
    start.hidden = snapshot.status.status !== 'open';
    start.onclick = async () => {
      const ack = await request(socket, 'meeting:start', {});
      status.textContent = ack.ok ? 'Phiên họp đã bắt đầu' : ack.error.message;
    };
    socket.on('meeting:changed', (s) => {
      start.hidden = s.status !== 'open';
    });
    next.hidden = false;
    revoke.hidden = false;
    next.onclick = async () => {
      const ack = await request(socket, 'floor:next', {});
      status.textContent = ack.ok ? '' : ack.error.message;
    };
    revoke.onclick = () => void request(socket, 'floor:revoke', {});
  }
  socket.on('floor:changed', (floor) => {
    if (floor.holder !== null) {
      names.set(floor.holder.pointId, floor.holder.pointName);
      render();
    }
    $('floor').textContent = floor.holder
      ? `Đang phát biểu: ${floor.holder.pointName} · chờ: ${floor.queue.length}`
      : `Chờ phát biểu: ${floor.queue.map((q) => q.pointName).join(', ') || 'không có'}`;
  });

  (window as unknown as { diemcau: unknown }).diemcau = {
    media,
    socket,
    snapshot,
    request: (e: never, p: never) => request(socket, e, p),
  };
  // Link quality for the technicians: a getStats() sample on the server's interval.
  const sampler = new LinkSampler();
  setInterval(() => {
    const pc = media.peerConnection;
    if (pc !== null && snapshot.you.role === 'point') {
      void sampler
        .sample(pc)
        .then((sample) => request(socket, 'telemetry:sample', sample))
        .catch(() => undefined);
    }
  }, snapshot.telemetryIntervalMs);
  try {
    await media.start();
    const local = $<HTMLVideoElement>('self');
    local.srcObject = media.localStream;
    status.textContent = 'Đã kết nối';
  } catch (error) {
    status.textContent = `Không mở được camera/micro: ${(error as Error).message}`;
  }
}

void main();
