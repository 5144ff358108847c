import { defineConfig } from '@app/cli';
import { invoiceOpsEntities } from './src/entities';
import { overdueInvoicesRoute } from './src/server/overdue-invoices';

export default defineConfig({
  entities: invoiceOpsEntities,
  migrations: { dir: 'migrations' },
  server: { port: 3000, configureServer: overdueInvoicesRoute },
});
