/** How long a node trusts the owner it read; a failed forward forgets it at once. */
export const OWNER_CACHE_MS = 1000;

/**
 * Socket side: each meeting's owner as last read from Redis, trusted for `OWNER_CACHE_MS` (a forward must not cost a
 * round trip more), with one read in flight per meeting (a join storm asks thousands of times before the first answer).
 */
export class MeetingOwners {
  readonly #read: (meetingId: string) => Promise<string | null>;
  readonly #now: () => number;
  readonly #known = new Map<string, { node: string; until: number }>();
  readonly #reading = new Map<string, Promise<string | null>>();

  constructor(read: (meetingId: string) => Promise<string | null>, now: () => number) {
    this.#read = read;
    this.#now = now;
  }

  /** The meeting's owner, or null while nobody owns it (or Redis cannot be read). */
  ownerOf(meetingId: string): Promise<string | null> {
    const known = this.#known.get(meetingId);
    if (known !== undefined && known.until > this.#now()) {
      return Promise.resolve(known.node);
    }
    let reading = this.#reading.get(meetingId);
    if (reading === undefined) {
      reading = this.#read(meetingId)
        .catch(() => null)
        .then((node) => {
          this.#reading.delete(meetingId);
          if (node !== null) {
            this.learned(meetingId, node);
          }

          return node;
        });
      this.#reading.set(meetingId, reading);
    }

    return reading;
  }

  /** The owner announced itself (it adopted the meeting). */
  learned(meetingId: string, node: string): void {
    this.#known.set(meetingId, { node, until: this.#now() + OWNER_CACHE_MS });
  }

  /** Ask Redis again next time: the meeting may have moved. */
  forget(meetingId: string): void {
    this.#known.delete(meetingId);
  }
}
