/**
 * Where the framework lineage's committed revisions live. They ship inside this package's published
 * files, next to `dist/`, and are read in place: nothing is ever written into node_modules.
 */
import { join } from 'node:path';

export const FRAMEWORK_LINEAGE = 'framework';

/** Absolute path of the folder holding the framework's revision files and manifest. */
export const frameworkMigrationsDir: string = join(__dirname, '..', 'migrations');
