import { useEffect, useRef, useState } from 'react';

/** A video element bound to a MediaStream (React cannot set `srcObject` as an attribute). */
export function VideoTile({
  stream,
  label,
  waiting = null,
  notice = null,
  muted = true,
  className = '',
  testId,
  title,
}: {
  stream: MediaStream | null;
  label: string;
  /** What the tile says while it has no picture ("Đang chờ hình từ …"); `null` shows a plain dark tile. */
  waiting?: string | null;
  /** A word over the picture, which stays (the last frame held): why it does not move. */
  notice?: string | null;
  muted?: boolean;
  className?: string;
  testId?: string;
  /** The full name, on hover, when the caption is shortened. */
  title?: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  const showing = useShowing(ref, stream);
  useEffect(() => {
    if (ref.current !== null && ref.current.srcObject !== stream) {
      ref.current.srcObject = stream;
    }
  }, [stream]);

  return (
    <figure className={`video-tile ${className}`} data-testid={testId} data-showing={showing}>
      <video ref={ref} autoPlay playsInline muted={muted} />
      {!showing && waiting !== null && (
        <p className="tile-waiting" data-testid={testId === undefined ? undefined : `${testId}-waiting`}>
          {waiting}
        </p>
      )}
      {notice !== null && (
        <p className="tile-notice" role="status" data-testid={testId === undefined ? undefined : `${testId}-notice`}>
          {notice}
        </p>
      )}
      <figcaption title={title}>{label}</figcaption>
    </figure>
  );
}

/**
 * Whether the tile shows frames now: the stream has a live, unmuted video track (a track is muted while no packets
 * arrive) and the element has decoded a picture of it.
 */
function useShowing(ref: React.RefObject<HTMLVideoElement | null>, stream: MediaStream | null): boolean {
  const [showing, setShowing] = useState(false);
  useEffect(() => {
    const video = ref.current;
    const track = stream?.getVideoTracks()[0];
    const check = () =>
      setShowing(
        video !== null &&
          track !== undefined &&
          track.readyState === 'live' &&
          !track.muted &&
          video.readyState >= 2 &&
          video.videoWidth > 0,
      );
    check();
    const videoEvents = ['loadeddata', 'resize', 'emptied', 'playing'];
    videoEvents.forEach((name) => video?.addEventListener(name, check));
    track?.addEventListener('mute', check);
    track?.addEventListener('unmute', check);
    track?.addEventListener('ended', check);
    // Belt and braces: some transitions (a consumer paused at the bridge) raise no event on the element.
    const timer = setInterval(check, 1000);

    return () => {
      clearInterval(timer);
      videoEvents.forEach((name) => video?.removeEventListener(name, check));
      track?.removeEventListener('mute', check);
      track?.removeEventListener('unmute', check);
      track?.removeEventListener('ended', check);
    };
  }, [ref, stream]);

  return showing;
}

/** Plays an audio stream without showing anything. */
export function AudioSink({ stream }: { stream: MediaStream | null }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (ref.current !== null && ref.current.srcObject !== stream) {
      ref.current.srcObject = stream;
    }
  }, [stream]);

  return <audio ref={ref} autoPlay />;
}
