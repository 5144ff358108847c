/** Every invoice-ops entity, in the order a reader meets them. */
import { Invoice } from './entities/invoice';
import { InvoiceNote } from './entities/invoice-note';
import { LineItem } from './entities/line-item';
import { PaymentAttempt } from './entities/payment-attempt';
import { Supplier } from './entities/supplier';
import { SupplierBankAccount } from './entities/supplier-bank-account';
import { Tenant } from './entities/tenant';

export { INVOICE_STATUSES, Invoice, type InvoiceStatus } from './entities/invoice';
export { InvoiceNote } from './entities/invoice-note';
export { LineItem } from './entities/line-item';
export { PAYMENT_STATUSES, PaymentAttempt } from './entities/payment-attempt';
export { Supplier } from './entities/supplier';
export { SupplierBankAccount } from './entities/supplier-bank-account';
export { Tenant } from './entities/tenant';

export const invoiceOpsEntities = [
  Tenant,
  Supplier,
  SupplierBankAccount,
  Invoice,
  LineItem,
  InvoiceNote,
  PaymentAttempt,
];
