import { PROJECTION_LOCK_SPACE, projectionLockKey } from './runner';
import { creditRecordProjection } from './credit-record';
import { gradeHistoryProjection } from './grade-history/grade-history.projection';
import { inspectionPlanProjection } from './inspection-plan/inspection-plan.projection';
import { registryProjection } from './registry/registry.projection';

describe('projection lock keys (ADR 009)', () => {
  const names = [
    registryProjection,
    gradeHistoryProjection,
    creditRecordProjection,
    inspectionPlanProjection,
  ].map((p) => p.name);

  it('differ between projections, so one leader never blocks another projection', () => {
    expect(new Set(names.map(projectionLockKey)).size).toBe(names.length);
  });

  it('are int4 halves of the two-int key form, in their own lock space', () => {
    for (const name of names) {
      const key = projectionLockKey(name);
      expect(Number.isInteger(key) && key >= -(2 ** 31) && key < 2 ** 31).toBe(true);
      expect(projectionLockKey(name)).toBe(key);
    }
    expect(PROJECTION_LOCK_SPACE).toBe(0x4c50);
  });
});
