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
 * Returns the windows and, for each content token, the index of the window that scores it.
 */
export function planScoreWindows(contentLength: number, capacity: number): { windows: ScoreWindow[]; windowOfToken: Uint32Array } {
  if (!Number.isInteger(capacity) || capacity < 2) {
    throw new RangeError(`capacity must be an integer of at least 2 tokens; got ${capacity}.`);
  }
  const windowOfToken = new Uint32Array(contentLength);
  if (contentLength <= capacity) {
    return { windows: [{ start: 0, end: contentLength }], windowOfToken };
  }

  const stride = Math.floor(capacity / 2);
  const windows: ScoreWindow[] = [];
  for (let start = 0; start + capacity < contentLength; start += stride) {
    windows.push({ start, end: start + capacity });
  }
  windows.push({ start: contentLength - capacity, end: contentLength });

  // Window centres increase with the index, so a single forward sweep finds the nearest one.
  let current = 0;
  for (let token = 0; token < contentLength; token += 1) {
    while (current + 1 < windows.length && distanceToCentre(windows[current + 1]!, token) < distanceToCentre(windows[current]!, token)) {
      current += 1;
    }
    windowOfToken[token] = current;
  }
  return { windows, windowOfToken };
}

function distanceToCentre(window: ScoreWindow, token: number): number {
  return Math.abs((window.start + window.end - 1) / 2 - token);
}
