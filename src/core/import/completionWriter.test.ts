import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../crypto/canonicalJson';
import { valuesJson, valuesOf } from './completionWriter';

describe('valuesJson', () => {
  it('writes the very bytes canonicalJson writes for a completion, for nulls, numbers, quotes and non-ASCII alike', () => {
    const rows = [
      {
        person_id: 'p1',
        course_id: 'c1',
        completed_on: '2025-01-02',
        score: 87.5,
        passed: 1,
        expires_on: '2026-01-02',
        trainer: 'Zoë "Z" O\'Brien\u2028',
        delivery_method: 'classroom',
        certificate_number: 'CERT-1\\2',
      },
      {
        person_id: 'p2',
        course_id: 'c2',
        completed_on: '2025-01-03',
        score: null,
        passed: null,
        expires_on: null,
        trainer: null,
        delivery_method: null,
        certificate_number: null,
      },
      {
        person_id: 'p3',
        course_id: 'c3',
        completed_on: '2025-01-04',
        score: 0,
        passed: 0,
        expires_on: null,
        trainer: '',
        delivery_method: '',
        certificate_number: '😀',
      },
    ];
    for (const row of rows) expect(valuesJson(row)).toBe(canonicalJson(valuesOf(row)));
  });
});
