import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** The one row that holds the test clock's offset from real time, shared by every node of a deployment. */
export const TestClockEntity = defineEntity({
  name: 'TestClock',
  tableName: 'test_clock',
  properties: {
    recordId: p.integer().primary(),
    offsetMs: p.bigint('number'),
    updatedDate: p.datetime(3),
  },
});

export type TestClockRow = InferEntity<typeof TestClockEntity>;
