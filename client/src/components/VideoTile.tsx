import { useEffect, useRef } from 'react';

/** A video element bound to a MediaStream (React cannot set `srcObject` as an attribute). */
export function VideoTile({
  stream,
  label,
  muted = true,
  className = '',
  testId,
}: {
  stream: MediaStream | null;
  label: string;
  muted?: boolean;
  className?: string;
  testId?: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current !== null && ref.current.srcObject !== stream) {
      ref.current.srcObject = stream;
    }
  }, [stream]);

  return (
    <figure className={`video-tile ${className}`} data-testid={testId}>
      <video ref={ref} autoPlay playsInline muted={muted} />
      <figcaption>{label}</figcaption>
    </figure>
  );
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
