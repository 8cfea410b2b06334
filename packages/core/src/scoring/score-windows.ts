import { nextCharacterBoundary, previousCharacterBoundary } from "../engine/token-boundaries.ts";
import type { CharSpan } from "../engine/types.ts";

/** Content positions [start, end) of the sentence that one model input covers. */
export interface ScoreWindow {
  start: number;
  end: number;
}

/**
 * Plans the windows for a sentence of `contentLength` tokens (without <s> and </s>) when each
 * input contains at most `capacity` of them. A sentence that fits gets one window. A longer one
 * gets windows of `capacity` tokens that start every `capacity / 2` tokens, the last one
 * ending at the sentence's end, and each token is scored in the window whose centre is
 * nearest to it. So every token sees at least a quarter window of context on each side,
 * except where the sentence itself ends sooner.
 *
 * With `offsets` (the character span of each content token), no window edge splits a
 * character that byte-level tokens share: such an edge moves inwards by up to 3 tokens, and
 * the guaranteed context shrinks by as much.
 *
 * Returns the windows and, for each content token, the index of the window that scores it.
 */
export function planScoreWindows(contentLength: number, capacity: number, offsets: readonly CharSpan[] = []): { windows: ScoreWindow[]; windowOfToken: Uint32Array } {
  if (!Number.isInteger(capacity) || capacity < 2) {
    throw new RangeError(`capacity must be an integer of at least 2 tokens; got ${capacity}.`);
  }
  const windowOfToken = new Uint32Array(contentLength);
  if (contentLength <= capacity) {
    return { windows: [{ start: 0, end: contentLength }], windowOfToken };
  }

  const stride = Math.floor(capacity / 2);
  const windows: ScoreWindow[] = [];
  // Each start may move only up to the previous window's end, and each end no further back
  // than the next window's start, so that the windows still cover every token.
  let previousEnd = 0;
  for (let nominal = 0; nominal + capacity < contentLength; nominal += stride) {
    const start = nextCharacterBoundary(offsets, nominal, previousEnd);
    const end = previousCharacterBoundary(offsets, nominal + capacity, Math.max(start + 1, nominal + stride));
    windows.push({ start, end });
    previousEnd = end;
  }
  windows.push({ start: nextCharacterBoundary(offsets, contentLength - capacity, previousEnd), end: contentLength });

  for (let token = 0; token < contentLength; token += 1) {
    windowOfToken[token] = nearestContainingWindow(windows, token);
  }
  return { windows, windowOfToken };
}

/** Returns the index of the window that contains `token` with its centre nearest to it; ties go to the earlier window. */
function nearestContainingWindow(windows: readonly ScoreWindow[], token: number): number {
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  windows.forEach((window, index) => {
    const distance = Math.abs((window.start + window.end - 1) / 2 - token);
    if (window.start <= token && token < window.end && distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  });
  return best;
}
