import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { codeMatchesClause, matchRequest, parseRequestList } from './requestList';

describe('control codes against requirement clauses', () => {
  it.each([
    ['164.308(a)(5)', '45 CFR 164.308(a)(5)(i)', true],
    ['§164.308(a)(5)', '45 CFR 164.308(a)(5)(i)', true],
    ['45 CFR 164.308(a)(5)(i)', '45 CFR 164.308(a)(5)(i)', true],
    ['164.308(a)(5)(ii)', '45 CFR 164.308(a)(5)(i)', false],
    ['164.3', '45 CFR 164.308(a)(5)(i)', false],
    ['CC1', 'CC1.4', true],
    ['cc1.4', 'CC1.4', true],
    ['CC1.40', 'CC1.4', false],
    ['CC9.9', 'CC1.4', false],
    ['AT-2(2)', 'AT-2', true],
    ['AT-2', 'AT-2(3)', true],
    ['AT-3', 'AT-2', false],
    ['Art. 39', 'Art. 39(1)(b)', true],
    ['39(1)(b)', 'Art. 39(1)(b)', true],
    ['Art. 3', 'Art. 39(1)(b)', false],
  ])('%s vs clause %s: %s', (code, clause, expected) => {
    expect(codeMatchesClause(code, clause)).toBe(expected);
  });

  it('lists what a request matches and which of its codes match nothing', () => {
    const clauses = [
      { requirementId: 'soc2.a', clause: 'CC1.4' },
      { requirementId: 'soc2.b', clause: 'CC2.2' },
      { requirementId: 'custom', clause: null },
    ];
    const request = { requestId: 'R1', requestCode: null, controlCodes: ['CC2.2', 'CC1.4', 'ZZ-1'], details: '', assignedTo: null, dueOn: null };
    expect(matchRequest(request, clauses)).toEqual({ matched: ['soc2.a', 'soc2.b'], unmatched: ['ZZ-1'] });
  });
});

describe('parseRequestList', () => {
  it('reads the columns auditors export, whatever their case and order, from CSV', async () => {
    const csv =
      '\ufeffDetails,control code,Request ID,Due On,Assigned To,Request Code\n"Training records, all staff","164.308(a)(5), CC1.4",PBC-1,2026-12-15,olivia,HR-1\nSign-in sheets,AT-2,PBC-2,12/1/2026,,\n';
    const requests = await parseRequestList(Buffer.from(csv), 'pbc.csv');
    expect(requests).toEqual([
      {
        requestId: 'PBC-1',
        requestCode: 'HR-1',
        controlCodes: ['164.308(a)(5)', 'CC1.4'],
        details: 'Training records, all staff',
        assignedTo: 'olivia',
        dueOn: '2026-12-15',
      },
      { requestId: 'PBC-2', requestCode: null, controlCodes: ['AT-2'], details: 'Sign-in sheets', assignedTo: null, dueOn: '2026-12-01' },
    ]);
  });

  it('reads an XLSX list with a real date cell', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Requests');
    sheet.addRow(['Request ID', 'Request Code', 'Control Code', 'Details', 'Assigned To', 'Due On']);
    sheet.addRow(['R-7', 'X', 'CC2.2', 'Onboarding', 'sam', new Date(Date.UTC(2026, 11, 24))]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await parseRequestList(bytes, 'list.xlsx')).toEqual([
      { requestId: 'R-7', requestCode: 'X', controlCodes: ['CC2.2'], details: 'Onboarding', assignedTo: 'sam', dueOn: '2026-12-24' },
    ]);
  });

  it('refuses a list without a Request ID column, a repeated id, and a date that is not one, naming the row', async () => {
    await expect(parseRequestList(Buffer.from('ID,Control Code\n1,CC1\n'), 'a.csv')).rejects.toThrow(/no "Request ID" column/);
    await expect(parseRequestList(Buffer.from('Request ID,Control Code\nR1,CC1\nr1,CC2\n'), 'a.csv')).rejects.toThrow(/R1|r1.*twice/);
    await expect(parseRequestList(Buffer.from('Request ID,Control Code,Due On\nR1,CC1,2026-02-30\n'), 'a.csv')).rejects.toThrow(/Row 2.*not a date/);
  });
});
