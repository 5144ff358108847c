// The app is TypeScript (config, entities, revisions): install the TypeScript support the CLI
// installs before it loads a TypeScript config, so loadConfig and revisions load the same way.
import { typeScriptSupport } from '@app/autogenerate';
import { installTypeScriptSupport } from '@app/migrator';

installTypeScriptSupport(typeScriptSupport);
