import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '../logger.js';
import type { Rendition } from './hlsArguments.js';

const logger = createLogger('VodArchive');

/** A segment as a media playlist lists it. */
export interface PlaylistEntry {
  uri: string;
  duration: number;
  /** A discontinuity precedes it (a switch to or from the card, another start of the stream). */
  discontinuity: boolean;
}

/** The segments a media playlist lists, in order. */
export function playlistEntries(text: string): PlaylistEntry[] {
  const entries: PlaylistEntry[] = [];
  let duration: number | null = null;
  let discontinuity = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '#EXT-X-DISCONTINUITY') {
      discontinuity = true;
    } else if (line.startsWith('#EXTINF:')) {
      duration = Number.parseFloat(line.slice('#EXTINF:'.length));
    } else if (line !== '' && !line.startsWith('#') && duration !== null) {
      entries.push({ uri: line, duration, discontinuity });
      duration = null;
      discontinuity = false;
    }
  }

  return entries;
}

/** A media playlist of `entries`: still growing (`EVENT`) or whole (`VOD`, ended). */
export function vodPlaylist(entries: readonly PlaylistEntry[], finished: boolean): string {
  const target = Math.max(1, ...entries.map((e) => Math.ceil(e.duration)));

  return [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    `#EXT-X-PLAYLIST-TYPE:${finished ? 'VOD' : 'EVENT'}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...entries.flatMap((e, i) => [
      ...(e.discontinuity && i > 0 ? ['#EXT-X-DISCONTINUITY'] : []),
      `#EXTINF:${e.duration.toFixed(6)},`,
      e.uri,
    ]),
    ...(finished ? ['#EXT-X-ENDLIST'] : []),
    '',
  ].join('\n');
}

/** Where a meeting's kept recording is played: the master playlist over the renditions' `vod.m3u8`. */
export const VOD_PLAYLIST = 'vod.m3u8';

/**
 * The meeting's stream kept as its recording: every segment the live playlists list, in order, gathered into
 * `<rendition>/vod.m3u8` as they appear (the live playlists hold only the last few), with a master `vod.m3u8`.
 * A later start of the stream in the same meeting continues it after a discontinuity.
 */
export class VodArchive {
  readonly #dir: string;
  readonly #renditions: readonly Rendition[];
  readonly #entries = new Map<Rendition, PlaylistEntry[]>();
  /** Renditions whose next new segment follows a gap (an earlier start of the stream). */
  readonly #gap = new Set<Rendition>();
  #timer: NodeJS.Timeout | null = null;
  #syncing: Promise<void> = Promise.resolve();

  private constructor(dir: string, renditions: readonly Rendition[]) {
    this.#dir = dir;
    this.#renditions = renditions;
  }

  /** Begins gathering (reading what an earlier start of the stream kept), checking the playlists every `everyMs`. */
  static async begin(dir: string, renditions: readonly Rendition[], everyMs: number): Promise<VodArchive> {
    const archive = new VodArchive(dir, renditions);
    for (const rendition of renditions) {
      const kept = await readFile(join(dir, rendition, VOD_PLAYLIST), 'utf8').catch(() => '');
      archive.#entries.set(rendition, playlistEntries(kept));
      archive.#gap.add(rendition);
    }
    archive.#timer = setInterval(() => void archive.sync(), everyMs);
    archive.#timer.unref();

    return archive;
  }

  /** Takes in the segments the live playlists list that are not kept yet. */
  sync(finished = false): Promise<void> {
    this.#syncing = this.#syncing
      .then(() => this.#sync(finished))
      .catch((error: unknown) => {
        logger.warn({ err: error, dir: this.#dir }, 'the recording of the stream was not brought up to date');
      });

    return this.#syncing;
  }

  /** The last segments taken in and the recording's playlists ended (`VOD`). */
  async finish(): Promise<void> {
    if (this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
    await this.sync(true);
  }

  async #sync(finished: boolean): Promise<void> {
    for (const rendition of this.#renditions) {
      const live = await readFile(join(this.#dir, rendition, 'index.m3u8'), 'utf8').catch(() => '');
      const kept = this.#entries.get(rendition) ?? [];
      const seen = new Set(kept.map((e) => e.uri));
      const fresh = playlistEntries(live).filter((e) => !seen.has(e.uri));
      if (fresh.length > 0 && this.#gap.delete(rendition) && kept.length > 0) {
        fresh[0] = { ...(fresh[0] as PlaylistEntry), discontinuity: true };
      }
      kept.push(...fresh);
      this.#entries.set(rendition, kept);
      if (fresh.length > 0 || finished) {
        await atomicWrite(join(this.#dir, rendition, VOD_PLAYLIST), vodPlaylist(kept, finished));
      }
    }
    const master = await readFile(join(this.#dir, 'index.m3u8'), 'utf8').catch(() => null);
    if (master !== null) {
      await atomicWrite(join(this.#dir, VOD_PLAYLIST), master.replaceAll('/index.m3u8', `/${VOD_PLAYLIST}`));
    }
  }
}

async function atomicWrite(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}
