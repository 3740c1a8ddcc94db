import { Migration } from '@mikro-orm/migrations';

export class Migration20261201134439_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`accounts\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`external_key\` varchar(255) not null, \`email\` varchar(128) null, \`name\` varchar(100) null, \`first_name_length\` int null, \`currency\` varchar(3) null, \`billing_cycle_day_local\` int not null, \`parent_account_id\` varchar(36) null, \`is_payment_delegated_to_parent\` tinyint(1) not null, \`payment_method_id\` varchar(36) null, \`reference_time\` datetime(3) not null, \`time_zone\` varchar(50) not null, \`locale\` varchar(5) null, \`address1\` varchar(100) null, \`address2\` varchar(100) null, \`company_name\` varchar(50) null, \`city\` varchar(50) null, \`state_or_province\` varchar(50) null, \`country\` varchar(50) null, \`postal_code\` varchar(16) null, \`phone\` varchar(25) null, \`notes\` varchar(4096) null, \`migrated\` tinyint(1) not null, \`is_closed\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`accounts\` add unique \`accounts_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`accounts\` add index \`accounts_parent_account_id_index\`(\`parent_account_id\`);`);
    this.addSql(`alter table \`accounts\` add index \`accounts_tenant_record_id_record_id_index\`(\`tenant_record_id\`, \`record_id\`);`);
    this.addSql(`alter table \`accounts\` add unique \`accounts_tenant_record_id_external_key_unique\`(\`tenant_record_id\`, \`external_key\`);`);

    this.addSql(`create table \`account_emails\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`account_id\` varchar(36) not null, \`email\` varchar(128) not null, \`is_active\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`account_emails\` add unique \`account_emails_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`account_emails\` add index \`account_emails_tenant_record_id_account_id_index\`(\`tenant_record_id\`, \`account_id\`);`);

    this.addSql(`create table \`audit_log\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint null, \`object_type\` varchar(30) not null, \`target_id\` varchar(36) not null, \`target_record_id\` bigint null, \`table_name\` varchar(50) not null, \`change_type\` varchar(10) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`reason_code\` varchar(255) null, \`comments\` varchar(255) null, \`user_token\` varchar(64) null, \`history\` json not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_log\` add index \`audit_log_tenant_record_id_target_id_index\`(\`tenant_record_id\`, \`target_id\`);`);

    this.addSql(`create table \`blocking_states\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`blockable_id\` varchar(36) not null, \`type\` varchar(20) not null, \`state\` varchar(50) not null, \`service\` varchar(50) not null, \`block_change\` tinyint(1) not null, \`block_entitlement\` tinyint(1) not null, \`block_billing\` tinyint(1) not null, \`effective_date\` datetime(3) not null, \`is_active\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`blocking_states\` add unique \`blocking_states_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`blocking_states\` add index \`blocking_states_tenant_record_id_blockable_id_index\`(\`tenant_record_id\`, \`blockable_id\`);`);
    this.addSql(`alter table \`blocking_states\` add index \`blocking_states_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);

    this.addSql(`create table \`bus_events\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint null, \`event_type\` varchar(50) not null, \`object_type\` varchar(30) null, \`object_id\` varchar(36) null, \`payload\` json not null, \`user_token\` varchar(64) null, \`created_date\` datetime(3) not null, \`dispatched_date\` datetime(3) null, \`attempts\` int not null, \`last_error\` varchar(1024) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`bus_events\` add unique \`bus_events_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`bus_events\` add index \`bus_events_tenant_record_id_account_record_id_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`, \`record_id\`);`);
    this.addSql(`alter table \`bus_events\` add index \`bus_events_dispatched_date_index\`(\`dispatched_date\`);`);

    this.addSql(`create table \`bus_events_history\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint null, \`event_type\` varchar(50) not null, \`object_type\` varchar(30) null, \`object_id\` varchar(36) null, \`payload\` json not null, \`user_token\` varchar(64) null, \`created_date\` datetime(3) not null, \`state\` varchar(10) not null, \`attempts\` int not null, \`last_error\` varchar(1024) null, \`handled_date\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`bus_events_history\` add unique \`bus_events_history_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`bus_events_history\` add index \`bus_events_history_tenant_record_id_account_record__100b7_index\`(\`tenant_record_id\`, \`account_record_id\`, \`record_id\`);`);
    this.addSql(`alter table \`bus_events_history\` add index \`bus_events_history_tenant_record_id_state_index\`(\`tenant_record_id\`, \`state\`);`);

    this.addSql(`create table \`catalog_versions\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`catalog_name\` varchar(255) not null, \`effective_date\` datetime(3) not null, \`xml\` mediumtext not null, \`is_active\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`catalog_versions\` add unique \`catalog_versions_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`catalog_versions\` add index \`catalog_versions_tenant_record_id_is_active_effective_date_index\`(\`tenant_record_id\`, \`is_active\`, \`effective_date\`);`);

    this.addSql(`create table \`custom_fields\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint null, \`object_id\` varchar(36) not null, \`object_type\` varchar(30) not null, \`field_name\` varchar(64) not null, \`field_value\` varchar(255) not null, \`is_active\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`custom_fields\` add unique \`custom_fields_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`custom_fields\` add index \`custom_fields_tenant_record_id_object_id_index\`(\`tenant_record_id\`, \`object_id\`);`);
    this.addSql(`alter table \`custom_fields\` add index \`custom_fields_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);

    this.addSql(`create table \`invoices\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`account_id\` varchar(36) not null, \`invoice_date\` varchar(10) not null, \`target_date\` varchar(10) null, \`currency\` varchar(3) not null, \`status\` varchar(15) not null, \`migrated\` tinyint(1) not null, \`parent_invoice\` tinyint(1) not null, \`grp_version\` int not null default 0) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`invoices\` add unique \`invoices_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`invoices\` add index \`invoices_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);
    this.addSql(`alter table \`invoices\` add index \`invoices_tenant_record_id_record_id_index\`(\`tenant_record_id\`, \`record_id\`);`);

    this.addSql(`create table \`invoice_items\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`account_id\` varchar(36) not null, \`invoice_id\` varchar(36) not null, \`type\` varchar(24) not null, \`child_account_id\` varchar(36) null, \`bundle_id\` varchar(36) null, \`subscription_id\` varchar(36) null, \`description\` varchar(255) null, \`product_name\` varchar(255) null, \`plan_name\` varchar(255) null, \`phase_name\` varchar(255) null, \`usage_name\` varchar(255) null, \`catalog_effective_date\` datetime(3) null, \`start_date\` varchar(10) null, \`end_date\` varchar(10) null, \`amount\` numeric(15,9) not null, \`rate\` numeric(15,9) null, \`currency\` varchar(3) not null, \`linked_item_id\` varchar(36) null, \`quantity\` numeric(15,9) null, \`item_details\` text null, \`explanation\` text null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`invoice_items\` add unique \`invoice_items_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`invoice_items\` add index \`invoice_items_invoice_id_index\`(\`invoice_id\`);`);
    this.addSql(`alter table \`invoice_items\` add index \`invoice_items_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);
    this.addSql(`alter table \`invoice_items\` add index \`invoice_items_tenant_record_id_subscription_id_index\`(\`tenant_record_id\`, \`subscription_id\`);`);
    this.addSql(`alter table \`invoice_items\` add index \`invoice_items_tenant_record_id_linked_item_id_index\`(\`tenant_record_id\`, \`linked_item_id\`);`);

    this.addSql(`create table \`invoice_parent_children\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`parent_invoice_id\` varchar(36) not null, \`child_invoice_id\` varchar(36) not null, \`child_account_id\` varchar(36) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`invoice_parent_children\` add unique \`invoice_parent_children_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`invoice_parent_children\` add index \`invoice_parent_children_parent_invoice_id_index\`(\`parent_invoice_id\`);`);
    this.addSql(`alter table \`invoice_parent_children\` add index \`invoice_parent_children_child_invoice_id_index\`(\`child_invoice_id\`);`);
    this.addSql(`alter table \`invoice_parent_children\` add index \`invoice_parent_children_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);

    this.addSql(`create table \`invoice_payments\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`type\` varchar(24) not null, \`invoice_id\` varchar(36) not null, \`payment_id\` varchar(36) null, \`payment_date\` datetime(3) not null, \`amount\` numeric(15,9) not null, \`currency\` varchar(3) not null, \`processed_currency\` varchar(3) not null, \`payment_cookie_id\` varchar(255) null, \`linked_invoice_payment_id\` varchar(36) null, \`success\` tinyint(1) not null, \`status\` varchar(50) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`invoice_payments\` add unique \`invoice_payments_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`invoice_payments\` add index \`invoice_payments_invoice_id_index\`(\`invoice_id\`);`);
    this.addSql(`alter table \`invoice_payments\` add index \`invoice_payments_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);
    this.addSql(`alter table \`invoice_payments\` add index \`invoice_payments_tenant_record_id_payment_id_index\`(\`tenant_record_id\`, \`payment_id\`);`);

    this.addSql(`create table \`invoice_tracking_ids\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`tracking_id\` varchar(128) not null, \`invoice_id\` varchar(36) not null, \`subscription_id\` varchar(36) null, \`unit_type\` varchar(255) not null, \`record_date\` varchar(10) not null, \`is_active\` tinyint(1) not null default true) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`invoice_tracking_ids\` add unique \`invoice_tracking_ids_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`invoice_tracking_ids\` add index \`invoice_tracking_ids_invoice_id_index\`(\`invoice_id\`);`);
    this.addSql(`alter table \`invoice_tracking_ids\` add index \`invoice_tracking_ids_tenant_record_id_account_recor_e6a90_index\`(\`tenant_record_id\`, \`account_record_id\`, \`record_date\`);`);

    this.addSql(`create table \`notifications\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint null, \`queue_name\` varchar(64) not null, \`effective_date\` datetime(3) not null, \`payload\` json not null, \`user_token\` varchar(64) null, \`created_date\` datetime(3) not null, \`attempts\` int not null, \`last_error\` varchar(1024) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`notifications\` add unique \`notifications_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`notifications\` add index \`notifications_effective_date_record_id_index\`(\`effective_date\`, \`record_id\`);`);
    this.addSql(`alter table \`notifications\` add index \`notifications_tenant_record_id_account_record_id_qu_767ba_index\`(\`tenant_record_id\`, \`account_record_id\`, \`queue_name\`);`);

    this.addSql(`create table \`notifications_history\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint null, \`queue_name\` varchar(64) not null, \`effective_date\` datetime(3) not null, \`payload\` json not null, \`user_token\` varchar(64) null, \`created_date\` datetime(3) not null, \`state\` varchar(10) not null, \`attempts\` int not null, \`last_error\` varchar(1024) null, \`handled_date\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`notifications_history\` add unique \`notifications_history_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`notifications_history\` add index \`notifications_history_tenant_record_id_account_reco_5ac4c_index\`(\`tenant_record_id\`, \`account_record_id\`, \`queue_name\`);`);
    this.addSql(`alter table \`notifications_history\` add index \`notifications_history_tenant_record_id_state_index\`(\`tenant_record_id\`, \`state\`);`);

    this.addSql(`create table \`payments\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`account_id\` varchar(36) not null, \`payment_method_id\` varchar(36) not null, \`external_key\` varchar(255) not null, \`currency\` varchar(3) not null, \`state_name\` varchar(64) not null, \`last_success_state_name\` varchar(64) null, \`in_flight_transaction_id\` varchar(36) null, \`in_flight_since\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`payments\` add unique \`payments_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`payments\` add index \`payments_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);
    this.addSql(`alter table \`payments\` add index \`payments_tenant_record_id_record_id_index\`(\`tenant_record_id\`, \`record_id\`);`);
    this.addSql(`alter table \`payments\` add unique \`payments_tenant_record_id_external_key_unique\`(\`tenant_record_id\`, \`external_key\`);`);

    this.addSql(`create table \`payment_attempts\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`account_id\` varchar(36) not null, \`payment_method_id\` varchar(36) null, \`payment_external_key\` varchar(255) not null, \`transaction_id\` varchar(36) null, \`transaction_external_key\` varchar(255) not null, \`transaction_type\` varchar(32) not null, \`state_name\` varchar(32) not null, \`amount\` numeric(15,9) null, \`currency\` varchar(3) null, \`plugin_name\` varchar(1024) null, \`plugin_properties\` json null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`payment_attempts\` add unique \`payment_attempts_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`payment_attempts\` add index \`payment_attempts_tenant_record_id_transaction_external_key_index\`(\`tenant_record_id\`, \`transaction_external_key\`);`);
    this.addSql(`alter table \`payment_attempts\` add index \`payment_attempts_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);

    this.addSql(`create table \`payment_methods\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`account_id\` varchar(36) not null, \`external_key\` varchar(255) not null, \`plugin_name\` varchar(50) not null, \`is_active\` tinyint(1) not null, \`external_payment_method_id\` varchar(255) null, \`plugin_info\` json null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`payment_methods\` add unique \`payment_methods_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`payment_methods\` add index \`payment_methods_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);
    this.addSql(`alter table \`payment_methods\` add index \`payment_methods_tenant_record_id_record_id_index\`(\`tenant_record_id\`, \`record_id\`);`);
    this.addSql(`alter table \`payment_methods\` add unique \`payment_methods_tenant_record_id_external_key_unique\`(\`tenant_record_id\`, \`external_key\`);`);

    this.addSql(`create table \`payment_transactions\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`attempt_id\` varchar(36) null, \`payment_id\` varchar(36) not null, \`transaction_type\` varchar(32) not null, \`transaction_external_key\` varchar(255) not null, \`active_key\` varchar(255) null, \`effective_date\` datetime(3) not null, \`amount\` numeric(15,9) not null, \`currency\` varchar(3) not null, \`processed_amount\` numeric(15,9) null, \`processed_currency\` varchar(3) null, \`transaction_status\` varchar(50) not null, \`gateway_error_code\` varchar(32) null, \`gateway_error_msg\` varchar(256) null, \`first_payment_reference_id\` varchar(128) null, \`second_payment_reference_id\` varchar(128) null, \`plugin_properties\` json null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`payment_transactions\` add unique \`payment_transactions_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`payment_transactions\` add index \`payment_transactions_payment_id_index\`(\`payment_id\`);`);
    this.addSql(`alter table \`payment_transactions\` add index \`payment_transactions_tenant_record_id_transaction_e_dc6a0_index\`(\`tenant_record_id\`, \`transaction_external_key\`);`);
    this.addSql(`alter table \`payment_transactions\` add index \`payment_transactions_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);
    this.addSql(`alter table \`payment_transactions\` add unique \`payment_transactions_tenant_record_id_active_key_unique\`(\`tenant_record_id\`, \`active_key\`);`);

    this.addSql(`create table \`plugin_kvs\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`tenant_record_id\` bigint not null, \`plugin_name\` varchar(255) not null, \`storage_key\` varchar(255) not null, \`storage_value\` mediumtext not null, \`created_date\` datetime(3) not null, \`updated_date\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`plugin_kvs\` add unique \`plugin_kvs_tenant_record_id_plugin_name_storage_key_unique\`(\`tenant_record_id\`, \`plugin_name\`, \`storage_key\`);`);

    this.addSql(`create table \`security_roles\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`role_name\` varchar(128) not null, \`permissions\` json not null, \`is_active\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`security_roles\` add unique \`security_roles_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`security_roles\` add unique \`security_roles_role_name_unique\`(\`role_name\`);`);

    this.addSql(`create table \`rolled_up_usage\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`subscription_id\` varchar(36) not null, \`unit_type\` varchar(255) not null, \`record_date\` varchar(10) not null, \`amount\` numeric(15,9) not null, \`tracking_id\` varchar(128) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`rolled_up_usage\` add unique \`rolled_up_usage_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`rolled_up_usage\` add index \`rolled_up_usage_tenant_record_id_subscription_id_re_cc51c_index\`(\`tenant_record_id\`, \`subscription_id\`, \`record_date\`);`);
    this.addSql(`alter table \`rolled_up_usage\` add index \`rolled_up_usage_tenant_record_id_subscription_id_tr_2cf47_index\`(\`tenant_record_id\`, \`subscription_id\`, \`tracking_id\`);`);
    this.addSql(`alter table \`rolled_up_usage\` add index \`rolled_up_usage_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);

    this.addSql(`create table \`subscriptions\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`bundle_id\` varchar(36) not null, \`external_key\` varchar(255) not null, \`category\` varchar(32) not null, \`start_date\` datetime(3) not null, \`bundle_start_date\` datetime(3) not null, \`charged_through_date\` datetime(3) null, \`migrated\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`subscriptions\` add unique \`subscriptions_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`subscriptions\` add index \`subscriptions_bundle_id_index\`(\`bundle_id\`);`);
    this.addSql(`alter table \`subscriptions\` add index \`subscriptions_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);
    this.addSql(`alter table \`subscriptions\` add unique \`subscriptions_tenant_record_id_external_key_unique\`(\`tenant_record_id\`, \`external_key\`);`);

    this.addSql(`create table \`bundles\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`account_id\` varchar(36) not null, \`external_key\` varchar(255) not null, \`original_created_date\` datetime(3) not null, \`last_sys_update_date\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`bundles\` add unique \`bundles_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`bundles\` add index \`bundles_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);
    this.addSql(`alter table \`bundles\` add index \`bundles_tenant_record_id_record_id_index\`(\`tenant_record_id\`, \`record_id\`);`);
    this.addSql(`alter table \`bundles\` add unique \`bundles_tenant_record_id_external_key_unique\`(\`tenant_record_id\`, \`external_key\`);`);

    this.addSql(`create table \`subscription_events\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint not null, \`subscription_id\` varchar(36) not null, \`event_type\` varchar(15) not null, \`user_type\` varchar(25) null, \`effective_date\` datetime(3) not null, \`requested_date\` datetime(3) not null, \`plan_name\` varchar(255) null, \`phase_name\` varchar(255) null, \`price_list_name\` varchar(64) null, \`billing_cycle_day_local\` int null, \`quantity\` int null, \`is_active\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`subscription_events\` add unique \`subscription_events_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`subscription_events\` add index \`subscription_events_tenant_record_id_subscription_i_53d55_index\`(\`tenant_record_id\`, \`subscription_id\`, \`is_active\`, \`effective_date\`);`);
    this.addSql(`alter table \`subscription_events\` add index \`subscription_events_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);

    this.addSql(`create table \`tags\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`account_record_id\` bigint null, \`tag_definition_id\` varchar(36) not null, \`object_id\` varchar(36) not null, \`object_type\` varchar(30) not null, \`is_active\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`tags\` add unique \`tags_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`tags\` add index \`tags_tenant_record_id_object_id_index\`(\`tenant_record_id\`, \`object_id\`);`);
    this.addSql(`alter table \`tags\` add index \`tags_tenant_record_id_tag_definition_id_index\`(\`tenant_record_id\`, \`tag_definition_id\`);`);
    this.addSql(`alter table \`tags\` add index \`tags_tenant_record_id_account_record_id_index\`(\`tenant_record_id\`, \`account_record_id\`);`);

    this.addSql(`create table \`tag_definitions\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`name\` varchar(50) not null, \`description\` varchar(200) not null, \`applicable_object_types\` json not null, \`is_active\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`tag_definitions\` add unique \`tag_definitions_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`tag_definitions\` add index \`tag_definitions_tenant_record_id_name_index\`(\`tenant_record_id\`, \`name\`);`);

    this.addSql(`create table \`tenants\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`external_key\` varchar(255) null, \`api_key\` varchar(128) not null, \`api_secret_hash\` varchar(255) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`tenants\` add unique \`tenants_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`tenants\` add unique \`tenants_external_key_unique\`(\`external_key\`);`);
    this.addSql(`alter table \`tenants\` add unique \`tenants_api_key_unique\`(\`api_key\`);`);

    this.addSql(`create table \`tenant_kvs\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`tenant_record_id\` bigint not null, \`tenant_key\` varchar(255) not null, \`tenant_value\` mediumtext not null, \`is_active\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`tenant_kvs\` add unique \`tenant_kvs_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`tenant_kvs\` add index \`tenant_kvs_tenant_record_id_tenant_key_index\`(\`tenant_record_id\`, \`tenant_key\`);`);

    this.addSql(`create table \`test_clock\` (\`record_id\` int unsigned not null auto_increment primary key, \`offset_ms\` bigint not null, \`updated_date\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`security_users\` (\`record_id\` bigint unsigned not null auto_increment primary key, \`id\` varchar(36) not null, \`created_date\` datetime(3) not null, \`created_by\` varchar(100) not null, \`updated_date\` datetime(3) not null, \`updated_by\` varchar(100) not null, \`username\` varchar(128) not null, \`password_hash\` varchar(255) not null, \`roles\` json not null, \`is_active\` tinyint(1) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`security_users\` add unique \`security_users_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`security_users\` add unique \`security_users_username_unique\`(\`username\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`accounts\`;`);

    this.addSql(`drop table if exists \`account_emails\`;`);

    this.addSql(`drop table if exists \`audit_log\`;`);

    this.addSql(`drop table if exists \`blocking_states\`;`);

    this.addSql(`drop table if exists \`bus_events\`;`);

    this.addSql(`drop table if exists \`bus_events_history\`;`);

    this.addSql(`drop table if exists \`catalog_versions\`;`);

    this.addSql(`drop table if exists \`custom_fields\`;`);

    this.addSql(`drop table if exists \`invoices\`;`);

    this.addSql(`drop table if exists \`invoice_items\`;`);

    this.addSql(`drop table if exists \`invoice_parent_children\`;`);

    this.addSql(`drop table if exists \`invoice_payments\`;`);

    this.addSql(`drop table if exists \`invoice_tracking_ids\`;`);

    this.addSql(`drop table if exists \`notifications\`;`);

    this.addSql(`drop table if exists \`notifications_history\`;`);

    this.addSql(`drop table if exists \`payments\`;`);

    this.addSql(`drop table if exists \`payment_attempts\`;`);

    this.addSql(`drop table if exists \`payment_methods\`;`);

    this.addSql(`drop table if exists \`payment_transactions\`;`);

    this.addSql(`drop table if exists \`plugin_kvs\`;`);

    this.addSql(`drop table if exists \`security_roles\`;`);

    this.addSql(`drop table if exists \`rolled_up_usage\`;`);

    this.addSql(`drop table if exists \`subscriptions\`;`);

    this.addSql(`drop table if exists \`bundles\`;`);

    this.addSql(`drop table if exists \`subscription_events\`;`);

    this.addSql(`drop table if exists \`tags\`;`);

    this.addSql(`drop table if exists \`tag_definitions\`;`);

    this.addSql(`drop table if exists \`tenants\`;`);

    this.addSql(`drop table if exists \`tenant_kvs\`;`);

    this.addSql(`drop table if exists \`test_clock\`;`);

    this.addSql(`drop table if exists \`security_users\`;`);
  }

}
