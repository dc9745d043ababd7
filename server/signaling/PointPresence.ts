/**
 * Owner side: how many sockets each point of a meeting holds on any node, and the presence last commanded for it.
 * Counted as sockets come and go, so a join storm costs nothing per socket already there.
 */
export class PointPresence {
  readonly #sockets = new Map<string, number>();
  readonly #commanded = new Map<string, boolean>();

  added(meetingId: string, pointId: string): void {
    const key = keyOf(meetingId, pointId);
    this.#sockets.set(key, (this.#sockets.get(key) ?? 0) + 1);
  }

  removed(meetingId: string, pointId: string): void {
    const key = keyOf(meetingId, pointId);
    const left = (this.#sockets.get(key) ?? 1) - 1;
    if (left > 0) {
      this.#sockets.set(key, left);
    } else {
      this.#sockets.delete(key);
    }
  }

  /**
   * The presence to command now, or null when it is what was last commanded (commands apply asynchronously, so the
   * meeting's state may not show it yet); `recorded` is the meeting's own when nothing was commanded here.
   */
  change(meetingId: string, pointId: string, recorded: boolean): boolean | null {
    const key = keyOf(meetingId, pointId);
    const online = this.#sockets.has(key);
    if (online === (this.#commanded.get(key) ?? recorded)) {
      return null;
    }
    this.#commanded.set(key, online);

    return online;
  }

  forget(meetingId: string): void {
    const prefix = keyOf(meetingId, '');
    for (const map of [this.#sockets, this.#commanded]) {
      for (const key of map.keys()) {
        if (key.startsWith(prefix)) {
          map.delete(key);
        }
      }
    }
  }
}

const keyOf = (meetingId: string, pointId: string) => `${meetingId}\u0000${pointId}`;
