import { createContext, useContext } from 'react';

export type Section = 'dashboard' | 'people' | 'completions' | 'evidence' | 'packets' | 'log';

/** What the Evidence screen opens on: a view and its filters (each optional). */
export interface EvidenceFilter {
  view?: 'list' | 'queue' | 'missing';
  state?: 'pending' | 'accepted' | 'rejected' | 'superseded';
  requirementId?: string;
  personId?: string;
  /** How to show the person filter (their name, or pseudonym where masked). */
  personLabel?: string;
  /** One training's files. */
  completionId?: string;
  completionLabel?: string;
  unit?: string;
  search?: string;
  /** A file to open at once. */
  evidenceId?: string;
}

export interface Navigation {
  /** Shows a section; for Evidence, with the given filters. */
  go: (section: Section, filter?: EvidenceFilter) => void;
}

const NavigationContext = createContext<Navigation>({ go: () => undefined });
export const NavigationProvider = NavigationContext.Provider;

/** Moves between the vault's sections (from a gap, a completion or a person to their evidence). */
export function useNavigation(): Navigation {
  return useContext(NavigationContext);
}
