/**
 * The built-in invoice strings for en_US, the last bundle of every lookup (Kill Bill ships
 * InvoiceTranslation_en_US.properties the same way). Kill Bill's InvoiceStrings keys first, then the
 * ones Billwright's default templates use. The company lines are empty: a tenant names itself by
 * uploading a translation (POST /1.0/kb/invoices/translation/{locale}) with these keys.
 */
export const DEFAULT_INVOICE_TRANSLATION = String.raw`# Kill Bill's InvoiceStrings
invoiceEmailSubject=Your invoice
invoiceTitle=Invoice
invoiceDate=Invoice Date:
invoiceNumber=Invoice #
invoiceAmount=Total:
invoiceAmountPaid=Amount Paid:
invoiceBalance=Balance:
accountOwnerName=Bill to
accountOwnerEmail=Email:
accountOwnerPhone=Phone:
companyName=
companyAddress=
companyCityProvincePostalCode=
companyCountry=
companyUrl=
invoiceItemBundleName=Bundle
invoiceItemDescription=Description
invoiceItemServicePeriod=Service Period
invoiceItemAmount=Amount
processedPaymentCurrency=Payment currency:
processedPaymentRate=Exchange rate:

# Billwright's default templates
invoiceTargetDate=Billed through:
invoiceCredits=Credits:
invoiceRefunds=Refunds:
invoiceStatusDraft=Draft
invoiceStatusVoid=Void
manualPayTitle=Payment instructions
manualPayInstructions=This account pays its invoices by hand: please pay the balance, quoting the invoice number.
invoiceItemType_EXTERNAL_CHARGE=Charge
invoiceItemType_FIXED=One-time fee
invoiceItemType_RECURRING=Subscription
invoiceItemType_REPAIR_ADJ=Adjustment for changes in service
invoiceItemType_CBA_ADJ=Account credit
invoiceItemType_CREDIT_ADJ=Credit
invoiceItemType_ITEM_ADJ=Adjustment
invoiceItemType_USAGE=Usage
invoiceItemType_TAX=Tax
invoiceItemType_PARENT_SUMMARY=Summary of child accounts
`;
