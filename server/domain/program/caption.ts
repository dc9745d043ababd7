/**
 * The program's lower third (rooms and the live stream see it): who is on screen, by their room and its unit, over
 * the meeting's title. Pure words; the encoder draws them.
 */

export interface CaptionPoint {
  name: string;
  unitName: string | null;
}

/**
 * Two lines: the floor holder's room (or else the hub's) with its unit when the room's name does not already say it,
 * then the meeting's title. Long lines are cut with an ellipsis (a lower third is one line each, at a readable size).
 */
export function captionLines(title: string, onScreen: CaptionPoint | null, maxChars = 70): string[] {
  const cut = (line: string) => (line.length > maxChars ? `${line.slice(0, maxChars - 1).trimEnd()}…` : line);
  const who =
    onScreen === null
      ? null
      : onScreen.unitName === null || onScreen.name.normalize('NFC').includes(onScreen.unitName.normalize('NFC'))
        ? onScreen.name
        : `${onScreen.name} — ${onScreen.unitName}`;

  return [...(who === null ? [] : [cut(who)]), cut(title)].map((line) => line.normalize('NFC'));
}
