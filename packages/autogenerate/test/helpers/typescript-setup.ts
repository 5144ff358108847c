// Revisions in these tests are TypeScript, as `dazzle db revision` writes them; the CLI installs
// the same support before it loads a TypeScript config.
import { installTypeScriptSupport } from '@app/migrator';
import { typeScriptSupport } from '../../src/typescript/typescript-support';

installTypeScriptSupport(typeScriptSupport);
