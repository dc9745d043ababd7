import type { ProgramInputs, ProgramPorts } from '../media/MediaBridge.js';
import { PROGRAM_AUDIO, PROGRAM_RTP, type ProgramFormat, type ProgramSoundName } from './format.js';

/** Where an RTP output of the encoder goes: a loopback port of the bridge, RTCP on its own, packets a room takes. */
const rtpUrl = (to: ProgramPorts) => `rtp://127.0.0.1:${to.port}?rtcpport=${to.rtcpPort}&pkt_size=1200`;

/** ffmpeg's encoder for each of the program's sound codecs, from the 16 kHz mono mix. */
const SOUND_ENCODERS: Record<ProgramSoundName, string[]> = {
  G722: ['-c:a', 'g722'],
  PCMA: ['-c:a', 'pcm_alaw', '-ar', '8000'],
  PCMU: ['-c:a', 'pcm_mulaw', '-ar', '8000'],
  // Speech at a bitrate a room's link carries easily, in 20 ms frames as rooms expect.
  OPUS: ['-c:a', 'libopus', '-ar', '48000', '-b:a', '32k', '-application', 'voip', '-frame_duration', '20'],
};

/** The tee muxer's two RTP outputs of the one picture encode: packetization-mode 1, and mode 0. */
function pictureOutputs(ports: ProgramInputs): string {
  const output = (to: ProgramPorts, of: { payloadType: number; ssrc: number }, flags: string) =>
    `[f=rtp:payload_type=${of.payloadType}:ssrc=${of.ssrc}${flags}]${rtpUrl(to)}`;

  return [
    output(ports.video, PROGRAM_RTP.video, ''),
    output(ports.videoSingleNal, PROGRAM_RTP.videoSingleNal, ':rtpflags=h264_mode0'),
  ].join('|');
}

/**
 * The lower third: the caption file's lines (read again every frame, so that a new speaker is named at once) in white
 * on a dark box at the bottom left, clear of the speaker drawn small in the bottom right beside content.
 */
export function lowerThird(format: ProgramFormat, caption: { font: string; file: string }): string {
  const size = Math.round(format.height / 26);
  const margin = Math.round(format.height / 18);

  return [
    `drawtext=fontfile=${caption.font}`,
    `textfile=${caption.file}`,
    'reload=1',
    `fontsize=${size}`,
    'fontcolor=white',
    `line_spacing=${Math.round(size / 3)}`,
    'box=1',
    'boxcolor=black@0.75',
    `boxborderw=${Math.round(size / 2)}`,
    `x=${margin}`,
    `y=h-th-${margin}`,
  ].join(':');
}

/**
 * The program encoder's command line: raw pictures on its standard input, the mix and the mix without the floor
 * holder as 16 kHz PCM on pipes 3 and 4; out, H.264 twice (both packetization modes) and each sound in every codec a
 * room may take, as RTP to the bridge.
 */
export function encoderArguments(
  format: ProgramFormat,
  ports: ProgramInputs,
  caption: { font: string; file: string } | null = null,
): string[] {
  const pcm = ['-f', 's16le', '-ar', String(PROGRAM_AUDIO.sampleRate), '-ac', '1'];

  return [
    ...['-hide_banner', '-loglevel', 'error'],
    ...['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${format.width}x${format.height}`],
    // Pictures are stamped when they arrive: a frame the encoder could not take in time is one fewer, not a
    // program that runs slow (rooms play by these stamps: a slow clock would put them ever further behind).
    ...['-framerate', String(format.fps), '-use_wallclock_as_timestamps', '1', '-i', 'pipe:0'],
    ...pcm,
    ...['-i', 'pipe:3'],
    ...pcm,
    ...['-i', 'pipe:4'],
    // A small VBV buffer (a fifth of a second) keeps each key frame from going out as one burst that a room's
    // receive buffer drops (seen: 13 % loss at the key frames with a one-second buffer, none with this).
    ...['-map', '0:v', ...(caption === null ? [] : ['-vf', lowerThird(format, caption)])],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency'],
    ...['-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-b:v', '1500k', '-maxrate', '1500k', '-bufsize', '300k'],
    // Slices no larger than a packet: each NAL unit then goes in one packet, so the one encode is sent twice, as
    // packetization-mode 1 and as mode 0 for the rooms that take only that.
    ...['-g', String(format.fps * format.keyFrameSec), '-x264-params', 'repeat-headers=1:slice-max-size=1100'],
    ...['-f', 'tee', pictureOutputs(ports)],
    ...PROGRAM_RTP.sounds.flatMap((sound) =>
      (['mix', 'minus'] as const).flatMap((mix) => {
        const to = ports.sounds.get(`${mix}:${sound.name}`);

        return to === undefined
          ? []
          : [
              ...['-map', mix === 'mix' ? '1:a' : '2:a', ...SOUND_ENCODERS[sound.name]],
              ...['-f', 'rtp', '-payload_type', String(sound.payloadType), '-ssrc', String(sound.ssrc[mix])],
              rtpUrl(to),
            ];
      }),
    ),
  ];
}
