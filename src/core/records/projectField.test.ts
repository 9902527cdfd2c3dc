import { describe, expect, it } from 'vitest';
import { CERTIFICATION_FIELDS, COMPLETION_FIELDS, COURSE_FIELDS, PERSON_FIELDS } from '../../shared/records/dataClasses';
import { AUDIENCES, DEFAULT_POLICIES, rolePolicy } from '../../shared/records/maskingPolicy';
import type { RecordKind } from '../../shared/records/maskingPolicy';
import { MASK } from './masking';
import { DROPPED, projectField, treatmentOf } from './projectField';
import { pseudonym } from './pseudonym';

const context = { vaultId: 'vault-1', personId: 'person-1' };
const P = pseudonym('vault-1', 'person-1');
const person = {
  employeeId: 'E1',
  givenName: 'Zoë',
  familyName: 'Álvarez',
  email: 'zoe@example.org',
  dateOfBirth: '1980-04-12',
  site: 'Main',
  orgUnit: 'Pharmacy',
  jobRole: 'Chief Pharmacist',
  managerEmployeeId: 'E9',
  hireDate: '2020-01-06',
  terminationDate: null,
} as const;
const project = (audience: (typeof AUDIENCES)[number]) =>
  Object.fromEntries(
    Object.entries(person).map(([field, value]) => [
      field,
      projectField(DEFAULT_POLICIES[audience], 'person', field as keyof typeof PERSON_FIELDS, value, context),
    ]),
  );

describe('the one projection, per audience', () => {
  it('internal keeps everything', () => {
    expect(project('internal')).toEqual(person);
  });

  it('an auditor sees the person by pseudonym, no health data, and the hire month (unit + role + exact hire date can single a person out)', () => {
    expect(project('auditor')).toEqual({
      employeeId: P,
      givenName: MASK,
      familyName: MASK,
      email: MASK,
      dateOfBirth: DROPPED,
      site: 'Main',
      orgUnit: 'Pharmacy',
      jobRole: 'Chief Pharmacist',
      managerEmployeeId: MASK,
      hireDate: '2020-01',
      terminationDate: null,
    });
    expect(projectField(DEFAULT_POLICIES.auditor, 'completion', 'score', 87)).toBe(87);
    expect(projectField(DEFAULT_POLICIES.auditor, 'completion', 'trainer', 'Dr Who')).toBe(MASK);
  });

  it('a regulator sees scores in bands of ten; a data subject sees their own record but not the trainer', () => {
    expect(projectField(DEFAULT_POLICIES.regulator, 'completion', 'score', 87)).toBe('80–89');
    expect(projectField(DEFAULT_POLICIES.regulator, 'completion', 'score', 100)).toBe('90–100');
    expect(projectField(DEFAULT_POLICIES.auditor, 'completion', 'certificateNumber', 'C-123')).toBe(MASK);
    expect(projectField(DEFAULT_POLICIES.subject, 'person', 'managerEmployeeId', 'E9')).toBe(MASK);
    expect(projectField(DEFAULT_POLICIES.subject, 'completion', 'trainer', 'Dr Who')).toBe(MASK);
    expect(project('subject')).toEqual({ ...person, managerEmployeeId: MASK });
  });

  it('generalises a date of birth to its year, other dates to their month', () => {
    const policy = {
      classes: { pii: 'generalise', phi: 'generalise', assessment: 'generalise', certification: 'generalise', compliance: 'generalise' },
    } as const;
    expect(projectField(policy, 'person', 'dateOfBirth', '1980-04-12')).toBe('1980');
    expect(projectField(policy, 'certification', 'expiresOn', '2027-01-31')).toBe('2027-01');
    expect(projectField(policy, 'person', 'email', 'zoe@example.org')).toBe(MASK);
  });

  it('is driven by the data classes: every field of every record follows its class unless the policy names the field', () => {
    const tables: Record<RecordKind, Record<string, string>> = {
      person: PERSON_FIELDS,
      course: COURSE_FIELDS,
      completion: COMPLETION_FIELDS,
      certification: CERTIFICATION_FIELDS,
    };
    for (const audience of AUDIENCES) {
      const policy = DEFAULT_POLICIES[audience];
      for (const [kind, fields] of Object.entries(tables) as [RecordKind, Record<string, string>][]) {
        for (const [field, dataClass] of Object.entries(fields)) {
          const own = (policy.fields?.[kind] as Record<string, string> | undefined)?.[field];
          expect(treatmentOf(policy, kind, field as never), `${audience} ${kind}.${field}`).toBe(
            own ?? policy.classes[dataClass as keyof typeof policy.classes],
          );
        }
      }
    }
  });

  it("a role's own screens: what the role may see is kept, the rest masked; auditors see hire months", () => {
    expect(projectField(rolePolicy('reviewer'), 'person', 'dateOfBirth', '1980-04-12')).toBe(MASK);
    expect(projectField(rolePolicy('reviewer'), 'person', 'email', 'zoe@example.org')).toBe('zoe@example.org');
    expect(projectField(rolePolicy('officer'), 'person', 'hireDate', '2020-01-06')).toBe('2020-01-06');
    expect(projectField(rolePolicy('auditor'), 'person', 'hireDate', '2020-01-06')).toBe('2020-01');
    expect(projectField(rolePolicy('auditor'), 'person', 'employeeId', 'E1', context)).toBe(MASK);
  });
});
