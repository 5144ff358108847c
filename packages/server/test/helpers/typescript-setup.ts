// The fixture apps are TypeScript (config and revisions); the CLI installs the same support
// before it loads such a config.
import { typeScriptSupport } from '@app/autogenerate/typescript';
import { installTypeScriptSupport } from '@app/migrator';

installTypeScriptSupport(typeScriptSupport);
