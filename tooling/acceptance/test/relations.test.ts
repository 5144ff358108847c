import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { CUSTOMER, LINE_ITEM, ORDER } from './harness/cycle-entities';

const PROJECT = `import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Task } from './task';

@Entity('project')
export class Project {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  name: string;

  @OneToMany(() => Task, (task) => task.project)
  tasks: Task[];
}
`;

const TASK = `import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Project } from './project';

@Entity('task')
export class Task {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  title: string;

  @Column()
  done: boolean;

  @ManyToOne(() => Project, (project) => project.tasks)
  project: Project;
}
`;

function config(imports: string[], entities: string): string {
  return `import { defineConfig } from '@app/cli';\n${imports.join('\n')}\n\nexport default defineConfig({ entities: [${entities}] });\n`;
}

const APPS: Array<[string, Record<string, string>]> = [
  [
    'two files, Project imported first',
    {
      'dazzle.config.ts': config(
        ["import { Project } from './src/project';", "import { Task } from './src/task';"],
        'Project, Task',
      ),
      'src/project.ts': PROJECT,
      'src/task.ts': TASK,
    },
  ],
  [
    'two files, Task imported first',
    {
      'dazzle.config.ts': config(
        ["import { Task } from './src/task';", "import { Project } from './src/project';"],
        'Project, Task',
      ),
      'src/project.ts': PROJECT,
      'src/task.ts': TASK,
    },
  ],
  [
    'three files in a cycle',
    {
      'dazzle.config.ts': config(
        [
          "import { LineItem } from './src/line-item';",
          "import { Customer } from './src/customer';",
          "import { Order } from './src/order';",
        ],
        'Customer, Order, LineItem',
      ),
      'src/customer.ts': CUSTOMER,
      'src/order.ts': ORDER,
      'src/line-item.ts': LINE_ITEM,
    },
  ],
];

describe('entities that import each other load from TypeScript, with implicit column types', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it.each(APPS)('%s: revision and upgrade build the tables and foreign keys', async (_name, files) => {
    const db = await createTestDatabase('acceptance_relations');
    databases.push(db);
    const app = newApp('relations');
    writeFiles(app, files);
    const env = { DATABASE_URL: db.url };
    const revision = await dazzle(app, ['db', 'revision', '-m', 'init'], env);
    expect(revision.code, revision.stderr).toBe(0);
    const upgrade = await dazzle(app, ['db', 'upgrade'], env);
    expect(upgrade.code, upgrade.stderr).toBe(0);

    const columns = await queryDatabase<{ table_name: string; column_name: string; data_type: string }>(
      db.url,
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name IN ('task', 'order', 'line_item', 'customer')
         AND column_name IN ('done', 'placedAt', 'quantity', 'title', 'name', 'projectId')`,
    );
    const typeOf = (table: string, column: string) =>
      columns.find((c) => c.table_name === table && c.column_name === column)?.data_type;
    const keys = await queryDatabase<{ source: string; target: string }>(
      db.url,
      `SELECT conrelid::regclass::text AS source, confrelid::regclass::text AS target
       FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2`,
    );
    if ('src/task.ts' in files) {
      expect(typeOf('task', 'done')).toBe('boolean');
      expect(typeOf('task', 'title')).toBe('character varying');
      expect(keys).toEqual([{ source: 'task', target: 'project' }]);
    } else {
      expect(typeOf('order', 'placedAt')).toBe('timestamp without time zone');
      expect(typeOf('line_item', 'quantity')).toBe('integer');
      expect(keys).toHaveLength(3);
      expect(keys).toEqual(
        expect.arrayContaining([
          { source: 'customer', target: 'line_item' },
          { source: 'line_item', target: '"order"' },
          { source: '"order"', target: 'customer' },
        ]),
      );
    }
  });

  it('--verbose names the file and line of an entity that throws while loading', async () => {
    const app = newApp('throws');
    writeFiles(app, {
      'dazzle.config.ts': config(["import { Broken } from './src/broken';"], 'Broken'),
      'src/broken.ts': `import { Entity, PrimaryGeneratedColumn } from 'typeorm';\n\nconst settings: { region?: { code: string } } = {};\n\n@Entity('broken')\nexport class Broken {\n  @PrimaryGeneratedColumn()\n  id: number;\n}\n\nexport const region = settings.region!.code;\n`,
    });
    const result = await dazzle(app, ['db', 'heads', '--verbose']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error CONFIG_INVALID: /m);
    expect(result.stderr).toMatch(/src\/broken\.ts:11/);
  });
});
