import { describe, expectTypeOf, it } from 'vitest';
import { definePlugin, type KillbillApi, type PaymentResult, type PluginContext, type RouteRequest, type RouteResponse } from './define-plugin.js';
import type { AccountDto, ExtBusEventDto, PaymentControlContextDto, PaymentRequestDto, PriorPaymentControlResultDto } from './protocol.js';

describe('definePlugin typing', () => {
  it('types every handler input and ctx from the extension point', () => {
    definePlugin({
      payment: {
        purchase: (req, ctx) => {
          expectTypeOf(req).toEqualTypeOf<PaymentRequestDto>();
          expectTypeOf(ctx).toEqualTypeOf<PluginContext>();
          return { status: 'PROCESSED', firstPaymentReferenceId: 'ch_1' };
        },
        void: (req) => {
          expectTypeOf(req).not.toHaveProperty('amount');
          return { status: 'PROCESSED' };
        },
        processNotification: ({ headers }) => {
          expectTypeOf(headers).toEqualTypeOf<Readonly<Record<string, string>>>();
          return { status: 200 };
        },
      },
      paymentControl: {
        priorCall: ({ control }) => {
          expectTypeOf(control).toEqualTypeOf<PaymentControlContextDto>();
          return { adjustedAmount: '5.00', isAborted: false } satisfies PriorPaymentControlResultDto;
        },
        onFailureCall: () => ({ nextRetryDate: '2026-12-08T00:00:00.000Z' }),
      },
      notification: {
        onEvent: (event) => {
          expectTypeOf(event).toEqualTypeOf<ExtBusEventDto>();
        },
      },
      routes: {
        'GET /hello/:name': (req) => {
          expectTypeOf(req).toEqualTypeOf<RouteRequest>();
          return { body: { hello: req.params['name'] } };
        },
      },
      healthcheck: () => ({ healthy: true }),
    });
  });

  it('gives ctx.killbill the host API without $ prefixes and without $log', () => {
    expectTypeOf<KillbillApi['getAccount']>().toEqualTypeOf<(accountId: string) => Promise<AccountDto>>();
    expectTypeOf<KillbillApi>().not.toHaveProperty('$getAccount');
    expectTypeOf<KillbillApi>().not.toHaveProperty('log');
  });

  it('rejects a payment result without a known status and a route key without a method', () => {
    // @ts-expect-error status is required
    const noStatus: PaymentResult = { firstPaymentReferenceId: 'x' };
    // @ts-expect-error not a PaymentPluginStatus
    const badStatus: PaymentResult = { status: 'OK' };
    // @ts-expect-error a route key is "METHOD /path"
    definePlugin({ routes: { hello: (): RouteResponse => ({}) } });
    expectTypeOf(noStatus).toEqualTypeOf(badStatus);
  });
});
