import type { PDFDocument } from 'pdf-lib';
import type { PacketModel } from '../packetModel';
import { metadataText } from './cleaner';

// The document information dictionary: title, author (the signer), subject, tool, language,
// and dates from model.builtAt, never the clock, so the same model gives the same bytes.

export function writeMetadata(doc: PDFDocument, model: PacketModel): void {
  doc.setTitle(metadataText(`Audit packet ${model.packetId}`), { showInWindowTitleBar: true });
  doc.setAuthor(metadataText(model.signer.printedName));
  doc.setSubject(metadataText(`Audit packet report: ${model.organisation}, ${model.scope.from} to ${model.scope.to}`));
  doc.setCreator('Custodian');
  doc.setProducer('Custodian');
  doc.setLanguage('en');
  // From the model, never the clock: the same model gives the same bytes.
  const built = new Date(model.builtAt);
  if (!Number.isNaN(built.getTime())) {
    doc.setCreationDate(built);
    doc.setModificationDate(built);
  }
}
