import { defineConfig } from '@app/cli';
import { invoiceOpsEntities } from './src/entities';

export default defineConfig({
  entities: invoiceOpsEntities,
  migrations: { dir: 'migrations' },
  server: { port: 3000 },
});
