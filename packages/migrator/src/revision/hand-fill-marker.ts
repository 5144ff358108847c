/** A line in a generated revision that a person must replace before it may run. */
export const HAND_FILL_MARKER = 'dazzle:hand-fill';
