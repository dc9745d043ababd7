import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ConsoleView, MeetingClient } from './MeetingClient.js';

/** The console's state, connection and notice, re-rendering on every change. */
export function useConsole(client: MeetingClient): ConsoleView {
  return useSyncExternalStore(client.subscribe, () => client.view);
}

/** This browser's clock, ticking every `intervalMs` (countdowns, waiting times). */
export function useNow(intervalMs = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);

    return () => clearInterval(timer);
  }, [intervalMs]);

  return now;
}
