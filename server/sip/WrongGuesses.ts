import { PIN_GUESSES_PER_ADDRESS, PIN_GUESS_WINDOW_MS } from '../domain/sip/pins.js';

/**
 * Wrong PINs and wrong registration passwords, counted together per address over the last hour: an address that has
 * guessed too often is refused before it is asked again (one guesser cannot try a PIN and a password in turn).
 */
export class WrongGuesses {
  readonly #at = new Map<string, number[]>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Whether an address may still guess. */
  left(address: string): boolean {
    return this.#recent(address).length < PIN_GUESSES_PER_ADDRESS;
  }

  add(address: string): void {
    this.#at.set(address, [...this.#recent(address), this.#now()]);
  }

  #recent(address: string): number[] {
    const recent = (this.#at.get(address) ?? []).filter((at) => this.#now() - at < PIN_GUESS_WINDOW_MS);
    if (recent.length === 0) {
      this.#at.delete(address);
    }

    return recent;
  }
}
