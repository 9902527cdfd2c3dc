import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_COURSES } from '../demo/demoCourses';
import { FRAMEWORK_PACKS, findPack, PACK_SOURCES, parsePacks } from './frameworkPacks';
import { frameworkPackSchema, type FrameworkPack, type PackRequirement } from './requirementRule';

const FRAMEWORKS_DIR = join(import.meta.dirname, '../../../resources/frameworks');

/** How each pack's regulation writes a citation. */
const CLAUSE_STYLE: Record<string, RegExp> = {
  hipaa: /^45 CFR 164\.\d{3}\([a-z]\)/,
  'osha-bbp': /^29 CFR 1910\.1030\([a-z]\)/,
  soc2: /^CC\d\.\d+$/,
  gdpr: /^Art\. \d+\(\d\)/,
  'fedramp-moderate': /^AT-\d+(\(\d+\))?$/,
};

/** Course codes the packs name that the demo hospital has no course for. */
const NON_DEMO_CODES = new Set(['SEC-ROLE', 'INSIDER-THREAT', 'SOCIAL-ENG']);

function pack(id: string): FrameworkPack {
  const found = findPack(id);
  if (!found) throw new Error(`no pack ${id}`);
  return found;
}

function requirement(id: string): PackRequirement {
  const found = FRAMEWORK_PACKS.flatMap((p) => p.requirements).find((r) => r.id === id);
  if (!found) throw new Error(`no requirement ${id}`);
  return found;
}

interface PackJson {
  id: string;
  requirements: (Record<string, unknown> & { rule: Record<string, unknown> })[];
}

/** A fresh copy of the HIPAA pack as it is on disk, for breaking. */
function hipaaOnDisk(): PackJson {
  return JSON.parse(readFileSync(join(FRAMEWORKS_DIR, 'hipaa.json'), 'utf8')) as PackJson;
}

function requirementJson(json: PackJson, index: number): PackJson['requirements'][number] {
  const found = json.requirements[index];
  if (!found) throw new Error(`no requirement ${index}`);
  return found;
}

describe('framework packs', () => {
  it('loads every file in resources/frameworks, each valid as it is on disk', () => {
    const files = readdirSync(FRAMEWORKS_DIR)
      .filter((name) => name.endsWith('.json'))
      .sort();
    expect(PACK_SOURCES.map((source) => source.file).sort()).toEqual(files);
    expect(FRAMEWORK_PACKS.map((p) => p.id)).toEqual(['hipaa', 'osha-bbp', 'soc2', 'gdpr', 'fedramp-moderate']);
    for (const file of files) {
      const result = frameworkPackSchema.safeParse(JSON.parse(readFileSync(join(FRAMEWORKS_DIR, file), 'utf8')));
      expect(result.error, file).toBeUndefined();
      expect(result.data?.version, file).toBe('2026.1');
    }
  });

  it('has requirement ids unique across packs, each under its pack id', () => {
    const ids = FRAMEWORK_PACKS.flatMap((p) => p.requirements.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of FRAMEWORK_PACKS) for (const r of p.requirements) expect(r.id.startsWith(`${p.id}.`)).toBe(true);
  });

  it('cites every clause in its regulation’s style', () => {
    for (const p of FRAMEWORK_PACKS) {
      const style = CLAUSE_STYLE[p.id];
      expect(style, p.id).toBeDefined();
      for (const r of p.requirements) expect(r.clause, r.id).toMatch(style as RegExp);
    }
  });

  it('names the demo hospital’s courses where it has one, and otherwise only the known extra codes', () => {
    const demoCodes = new Set(DEMO_COURSES.map((course) => course.code));
    for (const r of FRAMEWORK_PACKS.flatMap((p) => p.requirements)) {
      for (const code of r.rule.courses.codes) expect(demoCodes.has(code) || NON_DEMO_CODES.has(code), `${r.id}: ${code}`).toBe(true);
    }
    expect(requirement('hipaa.privacy-training').rule.courses.codes).toEqual(['HIPAA-PS']);
    expect(requirement('osha-bbp.training').rule.courses.codes).toEqual(['BBP']);
    expect(requirement('gdpr.staff-training').rule.courses.codes).toEqual(['GDPR']);
    expect(requirement('soc2.security-awareness').rule.courses.codes).toEqual(['INFOSEC']);
  });

  it('keeps HIPAA training records six years from when they were last in effect, with evidence', () => {
    const hipaa = pack('hipaa');
    expect(hipaa.requirements.map((r) => r.clause)).toEqual(['45 CFR 164.308(a)(5)(i)', '45 CFR 164.530(b)(1)']);
    for (const r of hipaa.requirements) {
      expect(r.rule.retention, r.id).toEqual({ years: 6, basis: 'lastInEffect' });
      expect(r.rule.evidence.required, r.id).toBe(true);
      expect(r.rule.recurrenceMonths, r.id).toBe(12);
    }
  });

  it('trains OSHA bloodborne pathogens at assignment and annually, keeping the (h)(2) record three years from training', () => {
    const { rule } = requirement('osha-bbp.training');
    expect(rule).toMatchObject({ newHireDays: 0, recurrenceMonths: 12, graceDays: 0, retention: { years: 3, basis: 'training' } });
    expect(rule.appliesTo).toEqual({ units: [], roles: [], sites: [] });
    expect(rule.evidence.required).toBe(true);
    for (const field of ['dates', 'summary', 'qualifications', 'job titles']) expect(rule.evidence.description).toContain(field);
  });

  it('keeps FedRAMP Moderate records one year (the AT-4(b) parameter) and trains role holders before access', () => {
    for (const r of pack('fedramp-moderate').requirements) {
      expect(r.rule.retention, r.id).toEqual({ years: 1, basis: 'training' });
      expect(r.rule.recurrenceMonths, r.id).toBe(12);
    }
    expect(requirement('fedramp-moderate.role-based').rule.newHireDays).toBe(0);
  });

  it('sets no retention where the framework sets none (SOC 2) or asks to keep data no longer than needed (GDPR)', () => {
    for (const r of [...pack('soc2').requirements, ...pack('gdpr').requirements]) expect(r.rule.retention, r.id).toBeNull();
    expect(requirement('gdpr.staff-training').summary).toContain('Art. 5(1)(e)');
  });

  it('refuses a pack with a bad field, naming the field', () => {
    const broken = hipaaOnDisk();
    requirementJson(broken, 1).rule.recurrenceMonths = '12';
    const result = frameworkPackSchema.safeParse(broken);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['requirements.1.rule.recurrenceMonths']);

    const unknownField = hipaaOnDisk();
    requirementJson(unknownField, 0).rule.retentionYears = 6;
    const strict = frameworkPackSchema.safeParse(unknownField);
    expect(strict.error?.issues[0]?.message).toContain('retentionYears');
  });

  it('throws at load with the file and the issue, and on a requirement id used twice', () => {
    const broken = hipaaOnDisk();
    requirementJson(broken, 0).rule.graceDays = -1;
    expect(() => parsePacks([{ file: 'hipaa.json', json: broken }])).toThrow(/resources\/frameworks\/hipaa\.json[\s\S]*requirements\[0\]\.rule\.graceDays/);

    const hipaa = hipaaOnDisk();
    expect(() =>
      parsePacks([
        { file: 'hipaa.json', json: hipaa },
        { file: 'hipaa.json', json: hipaa },
      ]),
    ).toThrow(/pack id "hipaa" is used twice/);
    const twice = hipaaOnDisk();
    requirementJson(twice, 1).id = 'hipaa.security-awareness';
    expect(() => parsePacks([{ file: 'hipaa.json', json: twice }])).toThrow(/"hipaa\.security-awareness" is already used/);
    const renamed = { ...hipaaOnDisk(), id: 'hipaa-copy' };
    expect(() =>
      parsePacks([
        { file: 'hipaa.json', json: hipaa },
        { file: 'hipaa-copy.json', json: renamed },
      ]),
    ).toThrow(/must start with "hipaa-copy\."/);
    expect(() => parsePacks([{ file: 'other.json', json: hipaa }])).toThrow(/must match the file name/);
  });

  it('finds a pack by id', () => {
    expect(findPack('gdpr')?.title).toBe('GDPR');
    expect(findPack('pci-dss')).toBeUndefined();
  });
});
