import type { Socket } from 'socket.io-client';
import type { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';
import { normalizeStrings } from '../domain/core/text.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { Ack } from '../protocol/common.js';
import { LINK_NOTICES, type LinkNotice, type LinkNoticeName } from '../protocol/link.js';
import { validationError } from '../signaling/handle.js';
import type { Faults } from '../telemetry/Faults.js';
import { RefusalAudit } from './RefusalAudit.js';

const SYSTEM: Actor = { role: 'system', via: 'link' };

/**
 * The parent's notifications as a child takes them: each parsed with its schema (`LINK_NOTICES`) before anything
 * reads it. One that does not parse changes nothing: it is counted, logged, audited (see RefusalAudit) and, when the parent asked for an answer, answered with the error.
 */
export class ParentNotices {
  readonly #socket: Socket;
  readonly #runtime: MeetingRuntime;
  readonly #faults: Faults;
  readonly #refusals = new RefusalAudit();

  constructor({ socket, runtime, faults }: { socket: Socket; runtime: MeetingRuntime; faults: Faults }) {
    this.#socket = socket;
    this.#runtime = runtime;
    this.#faults = faults;
  }

  /** Listens to one notification; `handle` gets it parsed, and what it throws is a fault, not the process's end. */
  on<N extends LinkNoticeName>(name: N, handle: (body: LinkNotice<N>) => void): void {
    const listener = (...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (answer: Ack) => void) : null;
      const parsed = LINK_NOTICES[name].safeParse(normalizeStrings(args[0]));
      if (!parsed.success) {
        const error = validationError(parsed.error);
        this.#refused(name, error);
        ack?.({ ok: false, error: { code: error.code, message: error.message } });

        return;
      }
      try {
        handle(parsed.data as LinkNotice<N>);
      } catch (error) {
        this.#faults.record('link', error, { meetingId: this.#runtime.id, event: name });
      }
      ack?.({ ok: true });
    };
    this.#socket.on(name, listener as never);
  }

  #refused(event: string, error: DomainError): void {
    this.#faults.record('link', error, { meetingId: this.#runtime.id, event });
    if (!this.#refusals.admit(this.#runtime.id)) {
      return;
    }
    const detail = `${event.slice(0, 40)} — ${error.message.slice(0, 300)}`;
    this.#runtime.execute({ type: 'audit.record', action: 'link_refused', detail }, SYSTEM).catch(() => undefined);
  }
}
