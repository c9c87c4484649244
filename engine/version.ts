/** Recorded in every command log; replays across versions are checked against it. */
export const ENGINE_VERSION = '0.1.0';
