import { describe, expect, it } from 'vitest';
import { IMPORT_FIELD_LABELS } from '../../shared/importFieldLabels';
import { CERTIFICATION_TARGETS, COMPLETION_TARGETS, detectKind, mapHeaders, parseMapFlags, ROSTER_TARGETS } from './headerMap';

const split = (line: string) => line.split(',');

describe('detectKind', () => {
  it('classifies the roster and completions exports of the other tests as before', () => {
    const rosters = [
      'Employee ID,First Name,Last Name,Email,Department,Job Title,Hire Date,Manager ID',
      'Employee ID,First Name,Last Name,Email,Department,Job Title,Hire Date,Termination Date',
      'Worker ID,Legal First Name,Legal Last Name,Work Email,Supervisory Organization,Business Title',
      'Person Number,Legal First Name,Legal Last Name,E-mail,Department,Position,Start Date',
      'Employee ID,First Name,Last Name',
      // A licence number column alone does not make a roster a certification file.
      'Employee ID,First Name,Last Name,Job Title,License Number',
    ];
    for (const headers of rosters) expect(detectKind(split(headers)), headers).toBe('roster');
    const completions = [
      'First name,Last name,Email address,Course,Time completed,Grade',
      'User ID,User Full Name,Training Title,Completion Date,Score,Transcript Status',
      'Person Number,Course Name,Date Completed,Score (%),Expiration Date',
      'Employee ID,Course,Completion Date,Score',
      // A course with its certificate and expiry is a completion, not a certification.
      'Employee ID,Course,Completion Date,Certificate,Expiry Date',
    ];
    for (const headers of completions) expect(detectKind(split(headers)), headers).toBe('completions');
    expect(detectKind(split('Ident,Nom,Prénom'))).toBeNull();
  });

  it('classifies a certification column with a person key and no course as certifications', () => {
    const certifications = [
      'Employee Number,Work Email,Employee Name,License Type,License Number,Date Issued,Expiration Date,Licensing Board',
      'Email,Credential Name,Credential ID,Date Earned,Valid Until,Issuing Organization',
      'Employee ID,Certification,Issue Date,Expiry Date',
      'Staff ID,Name,Certificate,Certification Number,Issued,Expires,Issuer',
      'Badge Number,Full Name,Title,License,Expiration Date,Issuing Body',
      'Person Number,Certification Name,Credential,Issued,Expires,Certifying Body',
    ];
    for (const headers of certifications) expect(detectKind(split(headers)), headers).toBe('certifications');
    // No person key: the certification cannot be matched, so the headers do not say.
    expect(detectKind(split('Credential,Expires'))).toBeNull();
    // A course column means training, even with a licence column beside it.
    expect(detectKind(split('Employee ID,Full Name,Course Title,License'))).toBe('roster');
  });
});

describe('mapHeaders for certifications', () => {
  it('maps the names HR and credential exports use', () => {
    const headers = ['Employee ID', 'E-mail', 'Employee', 'Credential', 'Credential ID', 'Date Earned', 'Expiry Date', 'Certifying Body', 'Status'];
    const { fields, unmapped } = mapHeaders(headers, 'certifications');
    expect(Object.fromEntries([...fields].map(([i, f]) => [headers[i], f]))).toEqual({
      'Employee ID': 'employeeId',
      'E-mail': 'email',
      Employee: 'fullName',
      Credential: 'certificationName',
      'Credential ID': 'certificationNumber',
      'Date Earned': 'issuedOn',
      'Expiry Date': 'expiresOn',
      'Certifying Body': 'issuer',
    });
    expect(unmapped).toEqual(['Status']);
    const synonyms: Record<string, string> = {
      Certification: 'certificationName',
      'Certification Name': 'certificationName',
      License: 'certificationName',
      'License Type': 'certificationName',
      'Credential Name': 'certificationName',
      Certificate: 'certificationName',
      'License Number': 'certificationNumber',
      'Certification Number': 'certificationNumber',
      'Issue Date': 'issuedOn',
      Issued: 'issuedOn',
      'Date Issued': 'issuedOn',
      'Expiration Date': 'expiresOn',
      Expires: 'expiresOn',
      'Valid Until': 'expiresOn',
      Issuer: 'issuer',
      'Issuing Body': 'issuer',
      'Issuing Organization': 'issuer',
      'Licensing Board': 'issuer',
    };
    for (const [header, field] of Object.entries(synonyms)) expect(mapHeaders([header], 'certifications').fields.get(0), header).toBe(field);
  });

  it('--map accepts the certification fields and names them when it refuses one', () => {
    expect(parseMapFlags(['Ident=employeeId', 'Kind=certificationName', 'Old=ignore'], 'certifications')).toEqual(
      new Map([
        ['ident', 'employeeId'],
        ['kind', 'certificationName'],
        ['old', null],
      ]),
    );
    expect(() => parseMapFlags(['Course=courseTitle'], 'certifications')).toThrow(new RegExp(`fields: ${CERTIFICATION_TARGETS.join(', ')}, or ignore`));
  });
});

describe('import field labels', () => {
  it('name every field a column can be mapped to, and only those', () => {
    const fields = new Set([...ROSTER_TARGETS, ...COMPLETION_TARGETS, ...CERTIFICATION_TARGETS]);
    expect(Object.keys(IMPORT_FIELD_LABELS).sort()).toEqual([...fields].sort());
  });
});
