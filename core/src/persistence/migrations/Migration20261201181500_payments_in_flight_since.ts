import { Migration } from '@mikro-orm/migrations';

/** The payment janitor's sweep reads payments by how long they have been in flight (payment/janitor.ts). */
export class Migration20261201181500_payments_in_flight_since extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `payments` add index `payments_in_flight_since_index`(`in_flight_since`);');
  }

  override async down(): Promise<void> {
    this.addSql('alter table `payments` drop index `payments_in_flight_since_index`;');
  }
}
