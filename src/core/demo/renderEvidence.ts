import { certificatePdf } from './certificatePdf';
import { isoDay } from './demoDates';
import { EDUCATION_DIRECTOR, SITES } from './demoOrganisation';
import type { Attendance, PlannedDocument } from './evidencePlan';
import { scannedFormPng } from './scannedFormPng';
import { STREAM } from './generateRoster';
import { mixSeed } from './seededRandom';
import { signInSheetPdf } from './signInSheetPdf';

export interface EvidenceLink {
  kind: 'person' | 'completion' | 'certification';
  id: string;
}

export interface RenderedEvidence {
  fileName: string;
  mediaType: 'application/pdf' | 'image/png';
  /** Plaintext: hand it to addEvidence (which encrypts it) and to nothing that writes to disk. */
  plaintext: Uint8Array;
  personId: string | null;
  links: EvidenceLink[];
}

const CHECKLISTS: Record<string, { title: string; items: readonly string[] }> = {
  'HAND-HYG': {
    title: 'Hand Hygiene Competency Validation',
    items: [
      'Before touching a patient',
      'Before clean or aseptic procedures',
      'After body fluid exposure risk',
      'After touching a patient',
      'After touching patient surroundings',
      'Alcohol rub 20-30 seconds, all surfaces covered',
    ],
  },
  FIRE: {
    title: 'Fire Safety Training Record',
    items: ['Explains RACE and PASS', 'Located the nearest pull station and extinguisher', 'Knows the unit evacuation route', 'Took part in the fire drill'],
  },
  ORIENT: {
    title: 'New Employee Orientation Checklist',
    items: [
      'Received the Code of Conduct',
      'Reviewed the emergency codes',
      'Badge and system access issued',
      'Received the employee handbook',
      'Met the unit manager',
    ],
  },
  BLS: {
    title: 'BLS Skills Check-off',
    items: ['Scene safety and assessment', 'Compressions: rate 100-120, depth 2-2.4 in', 'Bag-mask ventilation', 'AED use', 'Two-rescuer switch'],
  },
  ACLS: {
    title: 'ACLS Megacode Check-off',
    items: ['Team leader role', 'Rhythm recognition', 'Defibrillation and drug timing', 'Post-arrest care'],
  },
};
const DEFAULT_CHECKLIST = {
  title: 'Training Completion Record',
  items: ['Attended the full session', 'Completed the knowledge check', 'Received the course materials'],
};

const SESSION_TIMES: Record<string, string> = { BLS: '08:00 - 12:30', ACLS: '08:00 - 17:00', FIRE: '14:00 - 15:00', ORIENT: '08:30 - 16:30' };

function fullName(a: Attendance): string {
  return `${a.person.givenName} ${a.person.familyName}`;
}

function baseLinks(a: Attendance): EvidenceLink[] {
  return [
    { kind: 'person', id: a.person.personId },
    { kind: 'completion', id: a.completionId },
    ...(a.certificationId ? [{ kind: 'certification' as const, id: a.certificationId }] : []),
  ];
}

/** Makes one planned document's bytes, file name and links. Deterministic for (seed, number). */
export async function renderEvidence(planned: PlannedDocument, seed: number, number: number): Promise<RenderedEvidence> {
  const docSeed = mixSeed(seed, STREAM.documents, number);
  if (planned.kind === 'certificate') {
    const { completion, person } = planned.attendance;
    const course = completion.course;
    return {
      fileName: `Certificate - ${fullName(planned.attendance)} - ${course.code} - ${isoDay(completion.day)}.pdf`,
      mediaType: 'application/pdf',
      plaintext: await certificatePdf({
        personName: fullName(planned.attendance),
        employeeId: person.employeeId,
        unitName: person.unit.name,
        courseTitle: course.title,
        provider: course.provider,
        hours: course.hours,
        deliveryMethod: completion.method,
        completedDay: completion.day,
        score: completion.score,
        passMark: course.passMark,
        certificateNumber: completion.certificateNumber ?? '',
        certification: course.certification && completion.expiresDay !== null ? { name: course.certification.name, expiresDay: completion.expiresDay } : null,
        trainer: completion.trainer,
        signerName: EDUCATION_DIRECTOR,
        signerTitle: 'Director, Clinical Education',
        basis: course.basis,
        seed: docSeed,
      }),
      personId: person.personId,
      links: baseLinks(planned.attendance),
    };
  }
  if (planned.kind === 'signInSheet') {
    const first = planned.attendees[0];
    return {
      fileName: `Sign-in sheet - ${planned.course.title} - ${isoDay(planned.day)}.pdf`,
      mediaType: 'application/pdf',
      plaintext: await signInSheetPdf({
        courseTitle: planned.course.title,
        courseCode: planned.course.code,
        day: planned.day,
        time: SESSION_TIMES[planned.course.code] ?? '09:00 - 10:00',
        location: `${SITES.main}, Education Center, Room ${String(1 + (docSeed % 4))}`,
        instructor: first?.completion.trainer ?? 'Clinical Education',
        attendees: planned.attendees.map((a) => ({ name: fullName(a), employeeId: a.person.employeeId, unitName: a.person.unit.name })),
        seed: docSeed,
      }),
      personId: null,
      links: planned.attendees.flatMap(baseLinks),
    };
  }
  const { completion, person } = planned.attendance;
  const checklist = CHECKLISTS[completion.course.code] ?? DEFAULT_CHECKLIST;
  return {
    fileName: `scan_${isoDay(completion.day).replaceAll('-', '')}_${String(number).padStart(4, '0')}.png`,
    mediaType: 'image/png',
    plaintext: await scannedFormPng({
      title: checklist.title,
      formCode: `Form ${completion.course.code}-01 rev. 2022`,
      personName: fullName(planned.attendance),
      employeeId: person.employeeId,
      unitName: person.unit.name,
      courseTitle: completion.course.title,
      day: completion.day,
      evaluator: completion.trainer,
      checklist: checklist.items,
      seed: docSeed,
    }),
    personId: person.personId,
    links: baseLinks(planned.attendance),
  };
}
