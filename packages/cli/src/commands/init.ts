/** `dazzle init`: a new app folder with a config, one entity, a migrations folder and scripts. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../cli-error';
import { globalsOf, reporterFor } from '../program-support';

const CONFIG = `import { defineConfig } from '@app/cli';

export default defineConfig({
  // Loaded only by the commands that need the entities: current, history, heads and upgrade start without them.
  entities: () => import('./src/entities/note').then((m) => [m.Note]),
  migrations: { dir: 'migrations' },
  // database: { url: 'postgres://…' }, // otherwise DATABASE_URL, otherwise an embedded PostgreSQL in .dazzle/
});
`;

const ENTITY = `import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('note')
export class Note {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  title: string;

  @Column({ type: 'text', default: '' })
  body: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    strictPropertyInitialization: false,
    skipLibCheck: true,
  },
  include: ['src', 'migrations', 'dazzle.config.ts'],
};

const SCRIPTS = {
  'db:revision': 'dazzle db revision',
  'db:upgrade': 'dazzle db upgrade',
  'db:check': 'dazzle db check',
  start: 'dazzle serve',
};

function writeIfMissing(file: string, content: string, written: string[]): void {
  if (existsSync(file)) return;
  writeFileSync(file, content);
  written.push(file);
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('scaffold a new app: dazzle.config.ts, one entity, a migrations folder, package scripts')
    .argument('[dir]', 'the app folder', '.')
    .addHelpText(
      'after',
      [
        '',
        'Example (in an empty folder; `npx dazzle` there would fetch an unrelated npm package):',
        '  mkdir my-app && cd my-app && npx @app/cli init',
        '  npm install @app/cli typeorm',
        '  npx dazzle db revision -m "init"   # inside the app, npx dazzle runs the installed @app/cli',
      ].join('\n'),
    )
    .action((dir: string, _options: unknown, command: Command) => {
      const reporter = reporterFor(globalsOf(command));
      const root = resolve(dir);
      if (existsSync(join(root, 'dazzle.config.ts')))
        throw new UsageError(
          `${join(root, 'dazzle.config.ts')} already exists: this folder is already a dazzle app.`,
        );
      mkdirSync(join(root, 'src', 'entities'), { recursive: true });
      mkdirSync(join(root, 'migrations'), { recursive: true });
      const written: string[] = [];
      writeIfMissing(join(root, 'dazzle.config.ts'), CONFIG, written);
      writeIfMissing(join(root, 'src', 'entities', 'note.ts'), ENTITY, written);
      writeIfMissing(join(root, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`, written);
      writeIfMissing(join(root, '.gitignore'), 'node_modules/\n.dazzle/\n', written);
      const pkgFile = join(root, 'package.json');
      const pkg = existsSync(pkgFile)
        ? (JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>)
        : { name: basename(root), version: '0.1.0', private: true };
      pkg.scripts = { ...SCRIPTS, ...((pkg.scripts as Record<string, string> | undefined) ?? {}) };
      writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
      reporter.document({ root, created: written, updated: [pkgFile] });
      for (const file of written) reporter.line(`created ${file}`);
      reporter.line(`updated ${pkgFile} (scripts)`);
      reporter.line(
        `Next: ${dir === '.' ? '' : `cd ${dir} && `}npm install @app/cli typeorm (if not installed yet), then npx dazzle db revision -m "init", npx dazzle db upgrade, npx dazzle serve.`,
      );
    });
}
