import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { longDate } from './demoDates';
import { HOSPITAL_NAME } from './demoOrganisation';
import { drawCentered, drawScribble, drawText, GOLD, GREY, NAVY } from './pdfDrawing';
import { SeededRandom } from './seededRandom';
import { signatureScribble } from './signatureScribble';

export interface CertificateInput {
  personName: string;
  employeeId: string;
  unitName: string;
  courseTitle: string;
  provider: string;
  hours: number;
  deliveryMethod: string;
  completedDay: number;
  score: number | null;
  passMark: number | null;
  certificateNumber: string;
  /** For a card (BLS, ACLS): its name and the last day it is valid. */
  certification: { name: string; expiresDay: number } | null;
  trainer: string | null;
  signerName: string;
  signerTitle: string;
  basis: string;
  /** Seeds the signatures, so the same input gives the same bytes. */
  seed: number;
}

/**
 * A one-page certificate of completion (US Letter, landscape) as a real PDF: the person's name,
 * course, date, score, certificate number and, for a card, its expiry, in extractable text;
 * signatures as vector scribbles. Metadata dates are the completion date, so the same input
 * always gives the same bytes.
 */
export async function certificatePdf(input: CertificateInput): Promise<Uint8Array> {
  const issued = new Date(input.completedDay * 86_400_000);
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`Certificate of Completion: ${input.courseTitle}`);
  doc.setSubject(`${input.personName} (${input.employeeId})`);
  doc.setAuthor(`${HOSPITAL_NAME}, ${input.provider}`);
  doc.setCreator('Custodian demo data');
  doc.setProducer('pdf-lib');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const page = doc.addPage([792, 612]);
  const serif = await doc.embedFont(StandardFonts.TimesRoman);
  const serifBold = await doc.embedFont(StandardFonts.TimesRomanBold);
  const serifItalic = await doc.embedFont(StandardFonts.TimesRomanItalic);
  const sans = await doc.embedFont(StandardFonts.Helvetica);
  const sansBold = await doc.embedFont(StandardFonts.HelveticaBold);
  const rng = new SeededRandom(input.seed);
  const mid = 396;

  page.drawRectangle({ x: 0, y: 0, width: 792, height: 612, color: rgb(0.995, 0.99, 0.97) });
  page.drawRectangle({ x: 22, y: 22, width: 748, height: 568, borderColor: NAVY, borderWidth: 4 });
  page.drawRectangle({ x: 32, y: 32, width: 728, height: 548, borderColor: GOLD, borderWidth: 1.2 });

  drawCentered(page, HOSPITAL_NAME.toUpperCase(), mid, 540, { font: sansBold, size: 13, color: NAVY });
  drawCentered(page, input.provider, mid, 523, { font: sans, size: 10.5, color: GREY });
  drawCentered(page, 'Certificate of Completion', mid, 462, { font: serifBold, size: 38, color: NAVY });
  drawCentered(page, 'This is to certify that', mid, 424, { font: serifItalic, size: 15 });
  drawCentered(page, input.personName, mid, 382, { font: serifBold, size: 30 }, 600);
  page.drawLine({ start: { x: mid - 210, y: 372 }, end: { x: mid + 210, y: 372 }, thickness: 0.8, color: GOLD });
  drawCentered(page, `Employee ID ${input.employeeId}  ·  ${input.unitName}`, mid, 356, { font: sans, size: 10, color: GREY });
  drawCentered(page, 'has successfully completed', mid, 326, { font: serifItalic, size: 15 });
  drawCentered(page, input.courseTitle, mid, 294, { font: sansBold, size: 20, color: NAVY }, 640);

  const details = [
    `Completed ${longDate(input.completedDay)}`,
    `${String(input.hours)} contact hour${input.hours === 1 ? '' : 's'}`,
    input.deliveryMethod,
    ...(input.score !== null ? [`Score ${String(input.score)}%${input.passMark !== null ? ` (pass mark ${String(input.passMark)}%)` : ''}`] : []),
  ];
  drawCentered(page, details.join('  ·  '), mid, 262, { font: serif, size: 13 });
  if (input.certification) {
    drawCentered(page, `${input.certification.name} card valid through ${longDate(input.certification.expiresDay)}`, mid, 240, { font: serifBold, size: 13 });
  }

  // Signatures: the director on the left, the instructor (if any) on the right.
  const signatures = [{ name: input.signerName, title: input.signerTitle, x: 110 }];
  if (input.trainer) signatures.push({ name: input.trainer, title: 'Course Instructor', x: 462 });
  for (const signature of signatures) {
    drawScribble(page, signatureScribble(rng), signature.x + 20 + rng.int(0, 30), 150 + rng.int(-3, 3), 1.1);
    page.drawLine({ start: { x: signature.x, y: 146 }, end: { x: signature.x + 220, y: 146 }, thickness: 0.8, color: rgb(0, 0, 0) });
    drawText(page, signature.name, signature.x, 132, { font: serif, size: 11 });
    drawText(page, signature.title, signature.x, 119, { font: serifItalic, size: 10, color: GREY });
  }
  if (!input.trainer) {
    drawText(page, longDate(input.completedDay), 462, 150, { font: serif, size: 12 });
    page.drawLine({ start: { x: 462, y: 146 }, end: { x: 682, y: 146 }, thickness: 0.8, color: rgb(0, 0, 0) });
    drawText(page, 'Date of issue', 462, 132, { font: serifItalic, size: 10, color: GREY });
  }

  // The seal.
  page.drawCircle({ x: mid, y: 165, size: 38, color: rgb(0.93, 0.86, 0.62), borderColor: GOLD, borderWidth: 2 });
  page.drawCircle({ x: mid, y: 165, size: 31, borderColor: GOLD, borderWidth: 0.8 });
  drawCentered(page, 'RRMC', mid, 166, { font: serifBold, size: 15, color: NAVY });
  drawCentered(page, 'EDUCATION', mid, 153, { font: sansBold, size: 6, color: NAVY });

  drawText(page, `Certificate No. ${input.certificateNumber}`, 48, 62, { font: sansBold, size: 9, color: GREY });
  drawText(page, `Requirement: ${input.basis}`, 48, 49, { font: sans, size: 8, color: GREY });
  const verify = 'Verify with the Education Department, Main Campus, Room 2';
  page.drawText(verify, { x: 744 - sans.widthOfTextAtSize(verify, 8), y: 49, size: 8, font: sans, color: GREY });
  return doc.save();
}
