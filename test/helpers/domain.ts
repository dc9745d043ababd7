import { applyEvent } from '../../server/domain/apply.js';
import { initialState } from '../../server/domain/core/state.js';
import { authorize } from '../../server/domain/directory/authorize.js';
import type { Command } from '../../server/domain/core/commands.js';
import { decide } from '../../server/domain/decide.js';
import { defineMeeting, type MeetingInput } from '../../server/domain/core/definition.js';
import type { Directory } from '../../server/domain/directory/directory.js';
import { stamp, type MeetingEvent } from '../../server/domain/core/events.js';
import type { Actor, MeetingState } from '../../server/domain/core/model.js';

/**
 * A small three-level province: T (hub unit) → districts H1, H2 → communes X1..X4 (X1, X2 under H1; X3, X4 under H2).
 * Every unit has one point `DC-<unit>`.
 */
export function smallDirectory(): Directory {
  const units = [
    { code: 'T', name: 'Tỉnh Thử Nghiệm', level: 'province', parentCode: null },
    { code: 'H1', name: 'Huyện Một', level: 'district', parentCode: 'T' },
    { code: 'H2', name: 'Huyện Hai', level: 'district', parentCode: 'T' },
    { code: 'X1', name: 'Xã Tân Sơn', level: 'commune', parentCode: 'H1' },
    { code: 'X2', name: 'Xã Hòa Lâm', level: 'commune', parentCode: 'H1' },
    { code: 'X3', name: 'Xã Đông Hà', level: 'commune', parentCode: 'H2' },
    { code: 'X4', name: 'Xã Phú Lộc', level: 'commune', parentCode: 'H2' },
  ];
  const points = units.map((u) => ({
    code: `DC-${u.code}`,
    name: `Điểm cầu ${u.name}`,
    level: u.level,
    unitCode: u.code,
    technician: { name: 'Nguyễn Văn An', phone: '0912 345 678' },
  }));

  return { units, points };
}

export const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);

export function smallMeetingInput(overrides: Partial<MeetingInput> = {}): MeetingInput {
  return {
    title: 'Giao ban thử nghiệm',
    kind: 'briefing',
    scheduledStart: T0,
    hubPointId: 'DC-T',
    invite: { units: ['T'] },
    chairs: [{ name: 'Dương Văn Thái', title: 'Bí thư Tỉnh ủy', role: 'chair' }],
    agenda: [
      { kind: 'opening', title: 'Khai mạc' },
      { kind: 'report', title: 'Báo cáo' },
      { kind: 'discussion', title: 'Thảo luận' },
      { kind: 'conclusion', title: 'Kết luận' },
    ],
    ...overrides,
  };
}

export const CHAIR: Actor = { role: 'chair' };
export const SYSTEM: Actor = { role: 'system' };
export const point = (pointId: string): Actor => ({ role: 'point', pointId });

/** Runs commands through authorize → decide → apply with a hand-moved clock, keeping the whole log. */
export class Meeting {
  state: MeetingState;
  readonly log: MeetingEvent[] = [];
  now = T0;

  constructor(input: MeetingInput = smallMeetingInput(), directory = smallDirectory()) {
    const definition = defineMeeting(directory, input, 'm1');
    this.state = initialState(definition);
    this.#commit(stamp([{ type: 'MeetingCreated', definition }], 0, this.now, SYSTEM));
  }

  /** Executes a command at the current clock; returns its events (throws the DomainError otherwise). */
  run(command: Command, actor: Actor = CHAIR): MeetingEvent[] {
    authorize(command, actor);
    const events = stamp(decide(this.state, command, this.now), this.state.seq, this.now, actor);
    this.#commit(events);

    return events;
  }

  /** Moves the clock and fires whatever timers are due, as the runtime's timer would. */
  advance(ms: number): MeetingEvent[] {
    this.now += ms;

    return this.run({ type: 'tick' }, SYSTEM);
  }

  connect(...pointIds: string[]): void {
    for (const pointId of pointIds) {
      this.run({ type: 'point.connect', pointId }, SYSTEM);
    }
  }

  disconnect(...pointIds: string[]): void {
    for (const pointId of pointIds) {
      this.run({ type: 'point.disconnect', pointId }, SYSTEM);
    }
  }

  /** Opens, connects every invited point and starts the session. */
  startSession(): this {
    this.run({ type: 'meeting.open' });
    this.connect(...this.state.def.invitedPointIds);
    this.run({ type: 'meeting.start' });

    return this;
  }

  request(pointId: string, kind: 'speech' | 'petition' | 'explanation' = 'speech'): string {
    const [event] = this.run({ type: 'floor.request', pointId, kind }, point(pointId));
    if (event?.type !== 'FloorRequested') {
      throw new Error('expected FloorRequested');
    }

    return event.requestId;
  }

  queuePoints(): string[] {
    return this.state.queue.map((id) => this.state.requests[id]?.pointId ?? '?');
  }

  #commit(events: MeetingEvent[]): void {
    for (const event of events) {
      applyEvent(this.state, event);
      this.log.push(event);
    }
  }
}

/** The DomainError code a step throws, or 'passed' (a refusal is asserted by its code). */
export function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }

  return 'passed';
}
