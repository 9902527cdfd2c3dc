import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { longDate } from './demoDates';
import { HOSPITAL_NAME } from './demoOrganisation';
import { drawCentered, drawScribble, drawText, GREY, NAVY, winAnsiText } from './pdfDrawing';
import { SeededRandom } from './seededRandom';
import { signatureScribble } from './signatureScribble';

export interface SignInAttendee {
  name: string;
  employeeId: string;
  unitName: string;
}

export interface SignInSheetInput {
  courseTitle: string;
  courseCode: string;
  day: number;
  time: string;
  location: string;
  instructor: string;
  attendees: readonly SignInAttendee[];
  seed: number;
}

/** Attendee rows one page holds. */
export const SIGN_IN_ROWS = 18;

const COLUMNS = [
  { title: '#', width: 24 },
  { title: 'Printed name', width: 150 },
  { title: 'Employee ID', width: 68 },
  { title: 'Department', width: 148 },
  { title: 'Signature', width: 150 },
];

/**
 * A one-page training sign-in sheet (US Letter, portrait) as a real PDF: course, date, time,
 * place and instructor, then a table of attendees with their printed names and a scribbled
 * signature each, then the instructor's attestation. At most SIGN_IN_ROWS attendees; blank
 * rows fill the rest, as on paper.
 */
export async function signInSheetPdf(input: SignInSheetInput): Promise<Uint8Array> {
  const date = new Date(input.day * 86_400_000);
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`Sign-in sheet: ${input.courseTitle}, ${longDate(input.day)}`);
  doc.setAuthor(HOSPITAL_NAME);
  doc.setCreator('Custodian demo data');
  doc.setProducer('pdf-lib');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  const page = doc.addPage([612, 792]);
  const sans = await doc.embedFont(StandardFonts.Helvetica);
  const sansBold = await doc.embedFont(StandardFonts.HelveticaBold);
  const rng = new SeededRandom(input.seed);
  const left = 36;
  const tableWidth = COLUMNS.reduce((sum, c) => sum + c.width, 0);

  drawCentered(page, HOSPITAL_NAME, 306, 752, { font: sansBold, size: 13, color: NAVY });
  drawCentered(page, 'Training Attendance Sign-In Sheet', 306, 732, { font: sansBold, size: 17 });
  const fields: [string, string][] = [
    ['Course', `${input.courseTitle} (${input.courseCode})`],
    ['Date', longDate(input.day)],
    ['Time', input.time],
    ['Location', input.location],
    ['Instructor', input.instructor],
  ];
  let y = 704;
  for (const [label, value] of fields) {
    drawText(page, `${label}:`, left, y, { font: sansBold, size: 10 });
    drawText(page, value, left + 70, y, { font: sans, size: 10 });
    y -= 15;
  }
  drawText(page, 'By signing below I confirm that I attended the full session.', left, y - 4, { font: sans, size: 8.5, color: GREY });

  const rowHeight = 23;
  const top = y - 16;
  const rows = Math.min(SIGN_IN_ROWS, input.attendees.length);
  const drawnRows = Math.min(SIGN_IN_ROWS + 2, Math.max(rows + 2, 12));
  page.drawRectangle({ x: left, y: top - rowHeight, width: tableWidth, height: rowHeight, color: rgb(0.88, 0.9, 0.94) });
  for (let r = 0; r <= drawnRows + 1; r++) {
    page.drawLine({
      start: { x: left, y: top - r * rowHeight },
      end: { x: left + tableWidth, y: top - r * rowHeight },
      thickness: r <= 1 ? 1 : 0.5,
      color: rgb(0, 0, 0),
    });
  }
  let x = left;
  for (const column of COLUMNS) {
    page.drawLine({ start: { x, y: top }, end: { x, y: top - (drawnRows + 1) * rowHeight }, thickness: 0.5, color: rgb(0, 0, 0) });
    drawText(page, column.title, x + 4, top - 16, { font: sansBold, size: 9 });
    x += column.width;
  }
  page.drawLine({ start: { x, y: top }, end: { x, y: top - (drawnRows + 1) * rowHeight }, thickness: 0.5, color: rgb(0, 0, 0) });

  for (let r = 0; r < drawnRows; r++) {
    const rowTop = top - (r + 1) * rowHeight;
    const textY = rowTop - 15;
    drawText(page, String(r + 1), left + 4, textY, { font: sans, size: 9 });
    const attendee = r < rows ? input.attendees[r] : undefined;
    if (!attendee) continue;
    const cells = [attendee.name, attendee.employeeId, attendee.unitName];
    let cellX = left + (COLUMNS[0]?.width ?? 0);
    cells.forEach((cell, i) => {
      const width = COLUMNS[i + 1]?.width ?? 0;
      let size = 9;
      while (size > 6 && sans.widthOfTextAtSize(winAnsiText(cell), size) > width - 8) size -= 0.5;
      drawText(page, cell, cellX + 4, textY, { font: sans, size });
      cellX += width;
    });
    drawScribble(page, signatureScribble(rng), cellX + 6 + rng.int(0, 40), rowTop - rowHeight + 1, 0.5);
  }

  const footer = top - (drawnRows + 1) * rowHeight - 40;
  drawText(page, 'Instructor attestation: the people signed above attended and completed the session.', left, footer + 12, {
    font: sans,
    size: 8.5,
    color: GREY,
  });
  drawScribble(page, signatureScribble(rng), left + 10, footer - 30, 0.8);
  page.drawLine({ start: { x: left, y: footer - 32 }, end: { x: left + 200, y: footer - 32 }, thickness: 0.8, color: rgb(0, 0, 0) });
  drawText(page, input.instructor, left, footer - 44, { font: sans, size: 9 });
  drawText(page, longDate(input.day), left + 260, footer - 28, { font: sans, size: 10 });
  page.drawLine({ start: { x: left + 250, y: footer - 32 }, end: { x: left + 400, y: footer - 32 }, thickness: 0.8, color: rgb(0, 0, 0) });
  drawText(page, 'Date', left + 250, footer - 44, { font: sans, size: 9 });
  drawText(page, `Attendees: ${String(rows)}   ·   Form ED-12 rev. 2022`, left + tableWidth - 170, 28, { font: sans, size: 8, color: GREY });
  return doc.save();
}
