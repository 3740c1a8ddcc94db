/**
 * Billwright's default invoice templates, used when a tenant uploaded none (Kill Bill ships
 * HtmlInvoiceTemplate.mustache the same way). They read only what view.ts provides, which is a superset
 * of Kill Bill's template data, so a tenant's Kill Bill template works unchanged and these work as a
 * starting point for one's own (GET /1.0/kb/invoices/template answers 404 until one is uploaded).
 */

const STYLE = `
  body{margin:0;padding:24px;background:#f4f5f7;color:#1f2430;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
  .sheet{max-width:820px;margin:0 auto;background:#fff;border:1px solid #e3e6eb;border-radius:8px;padding:40px 48px}
  .head{display:flex;justify-content:space-between;gap:24px;border-bottom:2px solid #1f2430;padding-bottom:20px}
  .title{font-size:28px;font-weight:700;letter-spacing:.02em;margin:0}
  .badge{display:inline-block;margin-left:8px;padding:2px 8px;border-radius:4px;background:#fdecea;color:#b3261e;font-size:12px;font-weight:600;vertical-align:middle;text-transform:uppercase}
  .company{text-align:right;color:#555d6b}
  .company strong{color:#1f2430;font-size:16px}
  .parties{display:flex;justify-content:space-between;gap:24px;margin:24px 0}
  .label{color:#8a91a0;font-size:11px;text-transform:uppercase;letter-spacing:.06em;margin-bottom:4px}
  .meta td{padding:2px 0 2px 16px;text-align:right}
  .meta td:first-child{color:#8a91a0;padding-left:0;text-align:left}
  table.items{width:100%;border-collapse:collapse;margin-top:8px}
  table.items th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#8a91a0;border-bottom:1px solid #e3e6eb;padding:8px 6px}
  table.items td{border-bottom:1px solid #f0f1f4;padding:10px 6px;vertical-align:top}
  .amount{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
  .period{white-space:nowrap;color:#555d6b}
  .muted{color:#8a91a0;font-size:12px}
  table.totals{margin:20px 0 0 auto;border-collapse:collapse;min-width:300px}
  table.totals td{padding:4px 6px}
  table.totals tr.balance td{border-top:2px solid #1f2430;font-weight:700;font-size:16px;padding-top:8px}
  .note{margin-top:32px;padding:16px 20px;background:#f7f8fa;border-left:4px solid #1f2430;border-radius:4px}
  .foot{margin-top:32px;color:#8a91a0;font-size:12px;text-align:center}
`;

function page(note: string): string {
  return `<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{text.invoiceTitle}} {{invoice.invoiceNumber}}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="sheet">
  <div class="head">
    <div>
      <h1 class="title">{{text.invoiceTitle}}{{#invoice.isDraft}}<span class="badge">{{text.invoiceStatusDraft}}</span>{{/invoice.isDraft}}{{#invoice.isVoid}}<span class="badge">{{text.invoiceStatusVoid}}</span>{{/invoice.isVoid}}</h1>
      <div class="muted">{{text.invoiceNumber}}{{invoice.invoiceNumber}}</div>
    </div>
    <div class="company">
      {{#text.companyName}}<strong>{{text.companyName}}</strong><br>{{/text.companyName}}
      {{#text.companyAddress}}{{text.companyAddress}}<br>{{/text.companyAddress}}
      {{#text.companyCityProvincePostalCode}}{{text.companyCityProvincePostalCode}}<br>{{/text.companyCityProvincePostalCode}}
      {{#text.companyCountry}}{{text.companyCountry}}<br>{{/text.companyCountry}}
      {{#text.companyUrl}}{{text.companyUrl}}{{/text.companyUrl}}
    </div>
  </div>
  <div class="parties">
    <div>
      <div class="label">{{text.accountOwnerName}}</div>
      {{#account.name}}<strong>{{account.name}}</strong><br>{{/account.name}}
      {{#account.companyName}}{{account.companyName}}<br>{{/account.companyName}}
      {{#account.address1}}{{account.address1}}<br>{{/account.address1}}
      {{#account.address2}}{{account.address2}}<br>{{/account.address2}}
      {{#account.cityLine}}{{account.cityLine}}<br>{{/account.cityLine}}
      {{#account.country}}{{account.country}}<br>{{/account.country}}
      {{#account.email}}<span class="muted">{{account.email}}</span>{{/account.email}}
    </div>
    <table class="meta">
      <tr><td>{{text.invoiceDate}}</td><td>{{invoice.formattedInvoiceDate}}</td></tr>
      {{#invoice.formattedTargetDate}}<tr><td>{{text.invoiceTargetDate}}</td><td>{{invoice.formattedTargetDate}}</td></tr>{{/invoice.formattedTargetDate}}
    </table>
  </div>
  <table class="items">
    <thead>
      <tr><th>{{text.invoiceItemDescription}}</th><th>{{text.invoiceItemServicePeriod}}</th><th class="amount">{{text.invoiceItemAmount}}</th></tr>
    </thead>
    <tbody>
      {{#invoice.invoiceItems}}
      <tr>
        <td>{{label}}{{#detail}}<div class="muted">{{detail}}</div>{{/detail}}</td>
        <td class="period">{{formattedPeriod}}</td>
        <td class="amount">{{formattedAmount}}</td>
      </tr>
      {{/invoice.invoiceItems}}
    </tbody>
  </table>
  <table class="totals">
    <tr><td>{{text.invoiceAmount}}</td><td class="amount">{{invoice.formattedChargedAmount}}</td></tr>
    {{#invoice.hasCredits}}<tr><td>{{text.invoiceCredits}}</td><td class="amount">{{invoice.formattedCreditedAmount}}</td></tr>{{/invoice.hasCredits}}
    {{#invoice.hasRefunds}}<tr><td>{{text.invoiceRefunds}}</td><td class="amount">{{invoice.formattedRefundedAmount}}</td></tr>{{/invoice.hasRefunds}}
    <tr><td>{{text.invoiceAmountPaid}}</td><td class="amount">{{invoice.formattedPaidAmount}}</td></tr>
    <tr class="balance"><td>{{text.invoiceBalance}}</td><td class="amount">{{invoice.formattedBalance}}</td></tr>
  </table>${note}
  {{#text.companyUrl}}<div class="foot">{{text.companyUrl}}</div>{{/text.companyUrl}}
</div>
</body>
</html>
`;
}

export const DEFAULT_INVOICE_TEMPLATE = page('');

/** For accounts tagged MANUAL_PAY (Kill Bill's manualPayTemplate): the same invoice with how to pay it. */
export const DEFAULT_MANUAL_PAY_TEMPLATE = page(`
  <div class="note">
    <div class="label">{{text.manualPayTitle}}</div>
    {{text.manualPayInstructions}}
    <div><strong>{{text.invoiceBalance}} {{invoice.formattedBalance}}</strong> · {{text.invoiceNumber}}{{invoice.invoiceNumber}}</div>
  </div>`);
