import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';

/** What every chair-console panel gets: the connection, the state, and whether this console may moderate. */
export interface PanelProps {
  client: MeetingClient;
  state: ConsoleState;
  canModerate: boolean;
}
