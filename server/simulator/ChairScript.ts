import type { FloorView, MeetingStatusView, RollCallView, Snapshot } from '../protocol/messages.js';
import { connectMeeting, request, type MeetingSocket } from '../protocol/client.js';
import type { AckResultOf } from '../protocol/events.js';
import type { RequestName, RequestPayload } from '../protocol/requests.js';
import type { FloorScript } from '../scenarios/scenarios.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ChairScriptOptions {
  url: string;
  token: string;
  script: FloorScript;
  rollCallDeadlineSec: number;
  /** How long after the deadline the chair waits for late confirmations before closing. */
  lateWaitMs: number;
  /** Called when the discussion opens, so points start asking for the floor. */
  onDiscussion: () => void;
  onError: (what: string) => void;
  /** Grants the floor at most this often, ms, as a person does. Default 2000. */
  grantGapMs?: number;
  /** Any two commands at least this far apart, ms (a person's clicks). Default 250. */
  clickGapMs?: number;
  log?: (line: string) => void;
}

/** Commands that give someone the floor: the person behind the chair does these at a speaking pace. */
const GRANTS = new Set(['floor:next', 'floor:grant']);
/** Refused as too fast: wait (doubling) and send again, this many times at most. */
const RATE_RETRIES = 6;

export interface ChairResult {
  rollCall: { present: number; late: number; absent: number; noSignal: number; ms: number };
  floorTurns: number;
  answers: number;
}

/** A scripted chair: opens, roll call, reports, the scenario's floor turns, answers to petitions, conclusion, end. */
export class ChairScript {
  readonly #options: ChairScriptOptions;
  #socket: MeetingSocket | null = null;
  #floor: FloorView | null = null;
  #status: MeetingStatusView | null = null;
  #agenda: Snapshot['meeting']['agenda'] = [];
  #rollCall: RollCallView | null = null;
  readonly #waiters = new Set<() => void>();
  #lastCommandAt = 0;
  #lastGrantAt = 0;
  /** Commands the server refused as too fast (each waited for and sent again). */
  rateLimited = 0;

  constructor(options: ChairScriptOptions) {
    this.#options = options;
  }

  /** When each point's answer to the first roll call reached this chair's tally (epoch ms). */
  readonly tallyArrivals = new Map<string, number>();
  /** The first roll call's start and deadline as the chair's tally says them. */
  firstRollCall: { rollCallId: string; startedAt: number; deadlineAt: number } | null = null;

  #noteArrivals(view: RollCallView): void {
    this.firstRollCall ??= { rollCallId: view.rollCallId, startedAt: view.startedAt, deadlineAt: view.deadlineAt };
    if (view.rollCallId !== this.firstRollCall.rollCallId) {
      return;
    }
    const now = Date.now();
    for (const [pointId, outcome] of Object.entries(view.outcomes ?? {})) {
      if ((outcome === 'present' || outcome === 'late') && !this.tallyArrivals.has(pointId)) {
        this.tallyArrivals.set(pointId, now);
      }
    }
  }

  async connect(): Promise<void> {
    const { socket, snapshot } = await connectMeeting(this.#options.url, this.#options.token);
    this.#socket = socket;
    const onSnapshot = (s: Snapshot) => {
      this.#floor = s.floor;
      this.#status = s.status;
      this.#agenda = s.meeting.agenda;
      this.#rollCall = s.rollCall;
      this.#notify();
    };
    onSnapshot(snapshot);
    socket.on('meeting:snapshot', onSnapshot);
    socket.on('floor:changed', (f) => {
      this.#floor = f;
      this.#notify();
    });
    socket.on('meeting:changed', (s) => {
      this.#status = s;
      this.#notify();
    });
    socket.on('rollcall:changed', (r) => {
      this.#rollCall = r;
      this.#noteArrivals(r);
      this.#notify();
    });
    await this.#until(() => this.#status !== null, 10_000);
  }

  async run(): Promise<ChairResult> {
    const { script, rollCallDeadlineSec, lateWaitMs } = this.#options;
    if (this.#status?.status === 'scheduled') {
      await this.#do('meeting:open', {});
    }
    await this.#do('meeting:start', {});

    // Roll call at the opening: wait for the deadline plus a late window, then close and read the final tally.
    const startedAt = Date.now();
    const started = await this.#do('rollcall:start', { deadlineSec: rollCallDeadlineSec });
    const rollCallId = started.rollCallId;
    await wait(rollCallDeadlineSec * 1000 + lateWaitMs);
    await this.#do('rollcall:close', { rollCallId });
    await this.#until(() => this.#rollCall?.rollCallId === rollCallId && this.#rollCall.closedAt !== null, 10_000);
    const totals = this.#rollCall?.totals ?? { present: 0, late: 0, absent: 0, noSignal: 0, pending: 0 };
    const rollCall = {
      present: totals.present,
      late: totals.late,
      absent: totals.absent,
      noSignal: totals.noSignal,
      ms: Date.now() - startedAt,
    };

    // Through the agenda to the discussion, where points ask for the floor.
    const discussionIndex = this.#agenda.findIndex((a) => a.kind === 'discussion' || a.kind === 'dialogue');
    if (discussionIndex > 0) {
      await this.#do('agenda:advance', { index: discussionIndex });
    }
    this.#options.onDiscussion();
    const petitions: string[] = [];
    let floorTurns = 0;
    while (floorTurns < script.turns) {
      await this.#until(() => (this.#floor?.queue.length ?? 0) > 0, 30_000);
      const ack = await this.#do('floor:next', {});
      if (ack === null) {
        continue;
      }
      const holder = this.#floor?.holder;
      if (holder?.kind === 'petition' && holder.requestId !== null) {
        petitions.push(holder.requestId);
      }
      floorTurns += 1;
      // The speaker releases; a speaker that vanished is revoked after a while, as a chair would.
      const released = await this.#until(
        () => this.#floor?.holder === null || this.#floor?.holder === undefined,
        15_000,
      ).then(
        () => true,
        () => false,
      );
      if (!released) {
        await this.#do('floor:revoke', {});
      }
    }

    const answersIndex = this.#agenda.findIndex((a) => a.kind === 'answers');
    if (answersIndex > 0) {
      await this.#do('agenda:advance', { index: answersIndex });
    }
    let answers = 0;
    for (const [i, requestId] of petitions.entries()) {
      const petition = script.petitions[i % Math.max(1, script.petitions.length)];
      const ok = await this.#do('floor:answer', {
        requestId,
        answeredBy: petition?.to ?? 'Sở Tài nguyên và Môi trường',
        text: `Tiếp thu, sẽ có văn bản hướng dẫn${petition ? `: ${petition.text}` : ''}`.slice(0, 4000),
      });
      answers += ok === null ? 0 : 1;
    }
    const conclusionIndex = this.#agenda.findIndex((a) => a.kind === 'conclusion');
    if (conclusionIndex > 0) {
      await this.#do('agenda:advance', { index: conclusionIndex });
    }

    return { rollCall, floorTurns, answers };
  }

  async end(): Promise<AckResultOf<'attendance:get'>['rows']> {
    await this.#do('meeting:end', {});
    const ack = await this.#do('attendance:get', {});

    return ack?.rows ?? [];
  }

  close(): void {
    this.#socket?.close();
  }

  async #do<E extends RequestName>(
    event: E,
    payload: RequestPayload<E>,
  ): Promise<(AckResultOf<E> & { ok: true }) | never> {
    if (this.#socket === null) {
      throw new Error('chair not connected');
    }
    const { grantGapMs = 2000, clickGapMs = 250 } = this.#options;
    for (let attempt = 0; ; attempt += 1) {
      const earliest = Math.max(
        this.#lastCommandAt + clickGapMs,
        GRANTS.has(event) ? this.#lastGrantAt + grantGapMs : 0,
      );
      await wait(earliest - Date.now());
      this.#lastCommandAt = Date.now();
      if (GRANTS.has(event)) {
        this.#lastGrantAt = this.#lastCommandAt;
      }
      const ack = await request(this.#socket, event, payload);
      if (ack.ok) {
        return ack;
      }
      if (ack.error.code === 'RATE_LIMITED' && attempt < RATE_RETRIES) {
        this.rateLimited += 1;
        this.#options.log?.(`chair: ${event} refused as too fast; retrying in ${500 * 2 ** attempt} ms`);
        await wait(500 * 2 ** attempt);
        continue;
      }
      this.#options.onError(`${event}: ${ack.error.code} ${ack.error.message}`);
      if (event === 'floor:next' || event === 'floor:answer') {
        return null as never;
      }
      throw new Error(`${event} failed: ${ack.error.code}`);
    }
  }

  #notify(): void {
    for (const waiter of this.#waiters) {
      waiter();
    }
  }

  #until(predicate: () => boolean, timeoutMs: number): Promise<void> {
    if (predicate()) {
      return Promise.resolve();
    }

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve();
        }
      };
      this.#waiters.add(check);
    });
  }
}
