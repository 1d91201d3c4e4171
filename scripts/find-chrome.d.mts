/** Flags for a headless Chromium on a closed network, as root. */
export const CHROME_ARGS: string[];
/** $CHROME_PATH, /usr/bin/chromium or an installed Chrome; exits with a clear message when there is none. */
export function findChrome(): string;
