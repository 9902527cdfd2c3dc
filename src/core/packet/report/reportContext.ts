import type { PacketModel } from '../packetModel';
import type { Cleaner } from './cleaner';
import type { Faces } from './face';
import type { Progress } from './progress';

// What every part of the report draws with. Sections are functions of a ReportContext and a
// Flow: each starts its own page (Flow.section1), draws from the model only, and returns the
// OutlineNode of its heading for the contents and the bookmarks.

export interface ReportContext {
  readonly model: PacketModel;
  readonly faces: Faces;
  readonly cleaner: Cleaner;
  readonly progress: Progress;
}
