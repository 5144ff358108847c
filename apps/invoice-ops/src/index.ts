/** invoice-ops: the example app. `dazzle serve` serves these entities; see README.md for the story. */
export * from './entities';
