import { useEffect, useState } from 'react';

const KEY = 'diemcau.bigScreen';

/**
 * The big-screen view for the commune hall's TV: a toggle, remembered by this browser. It sets a class on the root
 * element, whose larger font size every size in the style sheet follows (they are in rem).
 */
export function useBigScreen(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => readStored());
  useEffect(() => {
    document.documentElement.classList.toggle('big-screen', on);
    try {
      localStorage.setItem(KEY, on ? '1' : '0');
    } catch {
      // Storage refused (private mode): the toggle still works for this visit.
    }

    return () => document.documentElement.classList.remove('big-screen');
  }, [on]);

  return [on, setOn];
}

function readStored(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}
