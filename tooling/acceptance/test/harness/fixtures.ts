/** Small apps the suites share: a config and entity files written as an app author would. */
export const ITEM_CONFIG = `import { defineConfig } from '@app/cli';
import { Item } from './src/item';

export default defineConfig({ entities: [Item] });
`;

export function itemEntity(
  codeColumn = "@Column({ type: 'varchar', length: 10, nullable: true })\n  code: string | null;",
): string {
  return `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('item')
export class Item {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 50 })
  name: string;

  ${codeColumn}
}
`;
}

/** The item entity with an index on name, the change the online suites generate CONCURRENTLY. */
export const INDEXED_ITEM = `import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('item')
@Index('item_name_idx', ['name'])
export class Item {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 50 })
  name: string;

  @Column({ type: 'varchar', length: 10 })
  code: string;
}
`;
