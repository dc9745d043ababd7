import type { MeetingService } from '../meetings/MeetingService.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import { createLogger } from '../logger.js';
import { buildProvince, scenarioMeetingInput } from './buildProvince.js';
import { loadScenario, type Scenario } from './scenarios.js';

const logger = createLogger('seed');

export interface SeedResult {
  scenario: Scenario;
  meeting: MeetingRuntime;
}

/**
 * Seeds a scenario's province into the directory (only when the directory is empty or already this province, so an
 * operator's imported directory is never overwritten) and creates its meeting, opened so points can join.
 * Reuses the demo meeting while it has not ended; once it has, the next start makes a new one (`demo-<id>-2`, …),
 * so the links printed always lead to a live meeting.
 */
export async function seedScenario(
  meetings: MeetingService,
  scenarioId: string,
  { meetingId: base = `demo-${scenarioId}`, now = Date.now() }: { meetingId?: string; now?: number } = {},
): Promise<SeedResult> {
  const scenario = loadScenario(scenarioId);
  const built = buildProvince(scenario);
  const earlier = meetings.list().filter((m) => m.id === base || m.id.startsWith(`${base}-`));
  const live = earlier.find((m) => m.state.status !== 'ended');
  if (live !== undefined) {
    return { scenario, meeting: live };
  }
  let meetingId = base;
  for (let n = 2; meetings.has(meetingId); n += 1) {
    meetingId = `${base}-${n}`;
  }
  const current = meetings.directory;
  const hasHub = current.points.some((p) => p.code === built.hubPointId);
  if (current.points.length === 0 || hasHub) {
    await meetings.replaceDirectory(built.directory);
  } else {
    logger.warn({ scenarioId }, 'seedScenario() | directory holds other data; seeding the meeting over it may fail');
  }
  const meeting = await meetings.createMeeting(scenarioMeetingInput(scenario, built, now, meetingId));
  await meeting.execute({ type: 'meeting.open' }, { role: 'chair' });

  return { scenario, meeting };
}
